import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor, type WaitOut } from "./e2e.js";
import { audit, denySuite, HIDDEN_RM, hiddenRmEnv, KEY_SPELLINGS, reachedModel, runOnce, writeFleetKey } from "./deny-e2e.js";

// Deny rules hold on Claude Code whatever it would do on its own: a read inside its cwd it would
// allow without asking, a command allowed by `allowed_tools`, a link that leads out of the cwd.
const suite = denySuite("claude");

const extra: string[] = [];
afterEach(() => {
  for (const dir of extra.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("deny rules on claude: its own tools", () => {
  it("Read(./.env) refuses a read Claude would allow on its own; the content never reaches the model", { timeout: 120_000 }, async () => {
    const s = await suite.start();
    writeFileSync(join(s.env.cwd, ".env"), "SECRET=plum-8812");
    const prompt = `[[tool:Read|${JSON.stringify({ file_path: join(s.env.cwd, ".env") })}]]`;
    await runOnce(s, { provider: "claude", prompt, permissions: { deny: ["Read(./.env)"] } }, true);
    expect(reachedModel(s, "claude", "SECRET=plum-8812")).toBe(false);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Read(./.env)" }));
  });

  it("a link inside the cwd to a file outside it is not read unasked", { timeout: 120_000 }, async () => {
    const s = await suite.start();
    const outside = mkdtempSync(join(tmpdir(), "e2e-outside-"));
    extra.push(outside);
    writeFileSync(join(outside, "id_rsa"), "KEY-walnut-3301");
    mkdirSync(join(s.env.cwd, "docs"));
    symlinkSync(join(outside, "id_rsa"), join(s.env.cwd, "docs", "id_rsa"));
    const prompt = `[[tool:Read|${JSON.stringify({ file_path: join(s.env.cwd, "docs", "id_rsa") })}]]`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt });
    const asked = await waitFor(s, agent_id, (out) => out.permission_requests?.[0] ?? (out.finished[0] === undefined ? undefined : null));
    if (asked !== null) {
      expect(asked.summary).toContain("id_rsa");
      expect(reachedModel(s, "claude", "KEY-walnut-3301")).toBe(false);
      await s.call("respond_permission", { agent_id, request_id: asked.request_id, decision: "deny" });
      await waitFor(s, agent_id, (out) => out.finished[0]);
    }
    expect(reachedModel(s, "claude", "KEY-walnut-3301")).toBe(false);
  });
});

describe("deny rules on claude: spellings that hide rm", () => {
  // What the deny test in deny-e2e.ts stands against: with Bash allowed and no deny rule, Claude Code
  // really deletes the file through each spelling (so only the rule keeps it).
  it("without a deny rule each spelling deletes the file", { timeout: 240_000 }, async () => {
    const hidden = hiddenRmEnv();
    try {
      const s = await suite.start({ PATH: hidden.PATH });
      hidden.prepare(s.env.cwd);
      for (const [i, spell] of HIDDEN_RM.entries()) {
        const victim = `victim-${i}.txt`;
        writeFileSync(join(s.env.cwd, victim), "delete me");
        // Rules of ours may still ask about a word settled only as it runs: the answer is allow.
        const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
          provider: "claude",
          prompt: `[[shell:${spell(victim)}]]`,
          permissions: { allow: ["Bash"] },
        });
        const asked = await waitFor(s, agent_id, (out) => out.permission_requests?.[0] ?? (out.finished[0] === undefined ? undefined : null));
        if (asked !== null) {
          await s.call("respond_permission", { agent_id, request_id: asked.request_id, decision: "allow" });
          await waitFor(s, agent_id, (out) => out.finished[0]);
        }
        expect(existsSync(join(s.env.cwd, victim)), spell(victim)).toBe(false);
      }
    } finally {
      hidden.cleanup();
    }
  });
});

describe("deny rules on claude: shell spellings of the fleet key", () => {
  // `$HOME`, globs and a `cd` first name the key as surely as its path does: with Bash allowed, in
  // the default mode and in dontAsk (bypassPermissions is refused to root), each is refused by the
  // key's rule without asking anyone, and a glob that cannot name it runs unasked.
  for (const mode of ["default", "dontAsk", "bypassPermissions"] as const) {
    const refused = mode === "bypassPermissions" && process.getuid?.() === 0;
    it.skipIf(refused)(`${mode}, allow Bash: the key never reaches the model`, { timeout: 300_000 }, async () => {
      const s = await suite.start();
      const key = writeFleetKey(s, "KEY=claude-quince-4471");
      writeFileSync(join(s.env.cwd, "notes.txt"), "NOTE=fig-7");
      const launch = { provider: "claude", permissions: { allow: ["Bash"] }, ...(mode === "default" ? {} : { permission_mode: mode }) };
      const quiet = (out: WaitOut): WaitOut["finished"][number] | undefined => {
        expect(out.permission_requests).toBeUndefined();
        return out.finished[0];
      };
      const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { ...launch, prompt: "[[shell:cat *.txt]]" });
      await waitFor(s, agent_id, quiet);
      for (const command of KEY_SPELLINGS) {
        await s.call("send_message", { agent_id, message: `[[shell:${command}]]` });
        await waitFor(s, agent_id, quiet);
      }
      expect(reachedModel(s, "claude", "NOTE=fig-7")).toBe(true);
      expect(reachedModel(s, "claude", "KEY=claude-quince-4471")).toBe(false);
      for (const command of KEY_SPELLINGS)
        expect(
          audit(s).find((entry) => entry.request.includes(command)),
          command,
        ).toMatchObject({ decision: "deny", by: "rule" });
      expect(key).toContain(s.env.home);
    });
  }
});
