import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, waitFor, type E2E, type WaitOut } from "./e2e.js";

// What every CLI's deny boundary must hold, through the built server and the real CLI: the cases
// each CLI shares; the test files add what is particular to one CLI.

type Provider = "claude" | "codex" | "gemini";

/** The permission audit log of an E2E environment, entry by entry. */
export function audit(s: E2E): { decision: string; by: string; rule?: string; request: string }[] {
  const path = join(s.env.home, ".local", "state", "subagent-mcp", "permissions.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { decision: string; by: string; rule?: string; request: string });
}

/** Whether any request the provider's fake model received carried `text`. */
export const reachedModel = (s: E2E, provider: Provider, text: string): boolean =>
  s.fakes[provider].requests.some((r) => JSON.stringify(r.messages).includes(text));

/** Launches one agent and waits for its first turn; `quiet` also checks that nothing was asked. */
export async function runOnce(s: E2E, args: Record<string, unknown>, quiet = false): Promise<{ is_error: boolean }> {
  const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", args);
  return waitFor(s, agent_id, (out) => {
    if (quiet) expect(out.permission_requests).toBeUndefined();
    return out.finished[0];
  });
}

/** Shell spellings of the fleet key every sub-agent is denied (`$HOME`, globs, a `cd` to its folder first). */
export const KEY_SPELLINGS = [
  "cat $HOME/.config/subagent-mcp/fleet.key",
  'cat "${HOME}"/.config/*/fleet.k?y',
  "cd ~/.config/subagent-mcp && cat fleet.key",
  "cd $HOME/.config; cat subagent-mcp/fleet.key",
] as const;

/** Writes the test home's fleet key (`$XDG_CONFIG_HOME/subagent-mcp/fleet.key`) holding `content`; returns its path. */
export function writeFleetKey(s: E2E, content: string): string {
  const key = join(s.env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "fleet.key");
  mkdirSync(dirname(key), { recursive: true });
  writeFileSync(key, `${content}\n`, { mode: 0o600 });
  return key;
}

/** Spellings of `rm -f FILE` that name no program until the shell runs them, or hide it behind a wrapper. */
export const HIDDEN_RM = [(file: string) => `/bin/r? -f ${file}`, (file: string) => `r[m] -f ${file}`, (file: string) => `chronic rm -f ${file}`] as const;

/**
 * An environment where every spelling of HIDDEN_RM deletes: moreutils' `chronic` on PATH (a
 * stand-in that runs its command when moreutils is not installed), and a file named `rm` in the
 * cwd for `r[m]` to expand to. Returns the PATH to start with; `cleanup` removes the stand-in.
 */
export function hiddenRmEnv(): { PATH: string; prepare: (cwd: string) => void; cleanup: () => void } {
  const path = process.env.PATH ?? "";
  const installed = path.split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, "chronic")));
  const dir = installed ? undefined : mkdtempSync(join(tmpdir(), "e2e-chronic-"));
  if (dir !== undefined) {
    writeFileSync(join(dir, "chronic"), '#!/bin/sh\nexec "$@"\n');
    chmodSync(join(dir, "chronic"), 0o755);
  }
  return {
    PATH: dir === undefined ? path : `${dir}${delimiter}${path}`,
    prepare: (cwd) => {
      writeFileSync(join(cwd, "rm"), "");
    },
    cleanup: () => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The cases every CLI's boundary must pass; `start` gives a file's own cases an environment cleaned up the same way. */
export function denySuite(provider: Provider, model?: string): { start: (extraEnv?: Record<string, string>) => Promise<E2E> } {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });
  const start = async (extraEnv: Record<string, string> = {}): Promise<E2E> => (e = await startE2E(extraEnv));
  const on = { provider, ...(model === undefined ? {} : { model }) };
  const SECRET = `SECRET=${provider}-fig-5521`;

  describe(`deny rules on ${provider}, through the built CLI`, () => {
    it("allow Bash, deny Bash(rm:*): rm behind quotes and sh -c is refused", { timeout: 120_000 }, async () => {
      const s = await start();
      writeFileSync(join(s.env.cwd, "victim.txt"), "keep me");
      await runOnce(s, { ...on, prompt: `[[shell:sh -c '"r"m victim.txt']]`, permissions: { allow: ["Bash"], deny: ["Bash(rm:*)"] } }, true);
      expect(existsSync(join(s.env.cwd, "victim.txt"))).toBe(true);
      expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Bash(rm:*)" }));
    });

    it("allow Bash, deny Bash(rm:*): rm as a glob (/bin/r?, r[m]) or behind chronic is refused", { timeout: 240_000 }, async () => {
      const hidden = hiddenRmEnv();
      try {
        const s = await start({ PATH: hidden.PATH });
        hidden.prepare(s.env.cwd);
        for (const [i, spell] of HIDDEN_RM.entries()) {
          const victim = `victim-${i}.txt`;
          writeFileSync(join(s.env.cwd, victim), "keep me");
          await runOnce(s, { ...on, prompt: `[[shell:${spell(victim)}]]`, permissions: { allow: ["Bash"], deny: ["Bash(rm:*)"] } }, true);
          expect(existsSync(join(s.env.cwd, victim)), spell(victim)).toBe(true);
          expect(audit(s).find((entry) => entry.request.includes(victim))).toMatchObject({ decision: "deny", by: "rule", rule: "Bash(rm:*)" });
        }
      } finally {
        hidden.cleanup();
      }
    });

    it("an allow rule answers the command at once", { timeout: 120_000 }, async () => {
      const s = await start();
      await runOnce(s, { ...on, prompt: "[[shell:touch made-by-rule.txt]]", permissions: { allow: ["Bash(touch made-by-rule.txt)"] } }, true);
      expect(existsSync(join(s.env.cwd, "made-by-rule.txt"))).toBe(true);
    });

    for (const [rule, command, extra] of [
      ["Bash(cat:*)", "cat ./.env", {}],
      ["Read(./.env)", "cat .env", {}],
      ["Bash(cat:*)", "cat ./.env", { allowed_tools: ["Bash"] }],
    ] as const) {
      it(`deny ${rule}${"allowed_tools" in extra ? " with allowed_tools Bash" : ""}: ${command} never reaches the model`, { timeout: 120_000 }, async () => {
        const s = await start();
        writeFileSync(join(s.env.cwd, ".env"), SECRET);
        await runOnce(s, { ...on, ...extra, prompt: `[[shell:${command}]]`, permissions: { deny: [rule] } });
        expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule }));
        expect(reachedModel(s, provider, SECRET)).toBe(false);
      });
    }

    // Modes that ask nobody: the CLI is made to ask anyway and the rules answer at once. A denied
    // file (a launch's rule, and the fleet key every sub-agent is denied) never reaches the model;
    // an allowed command runs; the orchestrator is asked nothing.
    for (const mode of ["bypassPermissions", "dontAsk"] as const) {
      // Claude Code refuses bypassPermissions to root, as CI runs.
      const refused = provider === "claude" && mode === "bypassPermissions" && process.getuid?.() === 0;
      it.skipIf(refused)(`${mode}: a denied file is refused, an allowed command runs, nobody is asked`, { timeout: 240_000 }, async () => {
        const s = await start();
        writeFileSync(join(s.env.cwd, ".env"), SECRET);
        const key = join(s.env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "fleet.key");
        mkdirSync(dirname(key), { recursive: true });
        writeFileSync(key, `KEY=${provider}-kiwi-6610\n`, { mode: 0o600 });
        const allow = mode === "dontAsk" ? { allow: ["Bash(touch made-unasked.txt)"] } : {};
        const launch = { ...on, permission_mode: mode, permissions: { deny: ["Read(./.env)"], ...allow } };
        const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { ...launch, prompt: "[[shell:cat .env]]" });
        const quiet = (out: WaitOut): WaitOut["finished"][number] | undefined => {
          expect(out.permission_requests).toBeUndefined();
          return out.finished[0];
        };
        await waitFor(s, agent_id, quiet);
        for (const command of [`cat ${key}`, "touch made-unasked.txt"]) {
          await s.call("send_message", { agent_id, message: `[[shell:${command}]]` });
          await waitFor(s, agent_id, quiet);
        }
        expect(reachedModel(s, provider, SECRET)).toBe(false);
        expect(reachedModel(s, provider, `KEY=${provider}-kiwi-6610`)).toBe(false);
        expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Read(./.env)" }));
        expect(audit(s).find((entry) => entry.request.includes(key))).toMatchObject({ decision: "deny", by: "rule" });
        expect(existsSync(join(s.env.cwd, "made-unasked.txt"))).toBe(true);
      });
    }

    it("deny mcp__mailbox__send_to: the sub-agent's message never arrives", { timeout: 120_000 }, async () => {
      const s = await start();
      const send = `[[tool:mcp__mailbox__send_to|${JSON.stringify({ to: "orchestrator", message: "leak-quartz-19" })}]]`;
      const turn = await runOnce(s, { ...on, prompt: send, permissions: { deny: ["mcp__mailbox__send_to"] } });
      expect(turn.is_error).toBe(false);
      const inbox = await s.call<{ messages: { body: string }[] }>("inbox");
      expect(inbox.messages.map((m) => m.body)).not.toContain("leak-quartz-19");
    });
  });
  return { start };
}
