import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, type E2E, type WaitOut } from "./e2e.js";

// A sub-agent allowed the shell, whose every request the orchestrator approves, tries the ways a
// rule cannot read (a recursive grep, an archive, find -exec, a variable, an interpreter, a script it
// writes, another process's root, a copy) to get the fleet key, the Redis password in the user's
// config and a server's control token, on each real CLI. The OS sandbox leaves it nothing to find.

const KEY = `fleet-key-e2e-${String(process.pid)}-41f7`;
const PASSWORD = `redis-pw-e2e-${String(process.pid)}-9b2c`;
let e: E2E | undefined;

afterEach(async () => {
  await e?.close();
  e = undefined;
});

function attacks(config: string, state: string, home: string): string[] {
  return [
    `grep -r . ${config} ${state}/servers`,
    `tar -cf - -C ${config} . 2>&1 | tar -xOf - 2>&1`,
    `find ${config} ${state} -maxdepth 2 -type f -exec cat {} +`,
    `D=${config}; F=fle; cat "$D/\${F}et.key"`,
    `/usr/bin/python3 -c "import glob; [print(open(p).read()) for p in glob.glob('${config}/*') + glob.glob('${state}/servers/*')]"`,
    `printf 'cat %s/fleet.key %s/config.json\\n' ${config} ${config} > ${home}/steal.sh; sh ${home}/steal.sh`,
    `for p in /proc/[0-9]*; do cat $p/root${config}/fleet.key; tr '\\0' '\\n' < $p/environ | grep -a FLEET; done 2>&1 | grep -a -v -e 'No such' -e denied | head -20`,
    `cp -r ${state}/servers ${home}/copied 2>&1; cat ${home}/copied/* 2>&1`,
    `echo forged >> ${state}/spend.jsonl 2>&1 || printf 'ledger-%s-%s' read only`,
    `printf 'sandboxed-%s ran-%s%s' "$SUBAGENT_MCP_SANDBOXED" 4 2`,
  ];
}

// Approves every request until the agent's turn is done: the sandbox, not a rule, must hold.
async function runApproving(s: E2E, agent: string): Promise<WaitOut["finished"][number]> {
  for (;;) {
    const out = await s.call<WaitOut>("wait", { agent_ids: [agent], timeout_s: 60 });
    for (const r of out.permission_requests ?? []) await s.call("respond_permission", { agent_id: agent, request_id: r.request_id, decision: "allow" });
    const done = out.finished.find((f) => f.agent_id === agent);
    if (done !== undefined) return done;
    if (!out.still_running.includes(agent) && (out.permission_requests ?? []).length === 0) throw new Error(`nothing to wait for: ${JSON.stringify(out)}`);
  }
}

describe("a sub-agent in the OS sandbox", () => {
  for (const provider of ["claude", "codex", "gemini"] as const) {
    it(`${provider}: ten ways to the key, the password and the control token find nothing`, { timeout: 240_000 }, async () => {
      const s = (e = await startE2E({ SUBAGENT_MCP_CHILD_MESSAGING: "0" }, (env) => {
        const config = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
        mkdirSync(config, { recursive: true });
        writeFileSync(join(config, "fleet.key"), `${KEY}\n`, { mode: 0o600 });
        writeFileSync(join(config, "config.json"), JSON.stringify({ mailbox: { url: `redis://:${PASSWORD}@127.0.0.1:1` }, agent_nice: 7 }));
      }));
      const config = join(s.env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
      const state = join(s.env.env.XDG_STATE_HOME as string, "subagent-mcp");
      const home = s.env.env.HOME as string;
      const launched = await s.call<{ agent_id: string; sandbox?: { kind: string } }>("launch_agent", {
        provider,
        // Codex is pinned to the model its config names, which the fake serves with its shell tool.
        ...(provider === "codex" ? { model: "gpt-5.5" } : {}),
        prompt: `${attacks(config, state, home)
          .map((c) => `[[shell:${c}]]`)
          .join(" ")} [[say:tried]]`,
        permissions: { allow: ["Bash"] },
      });
      expect(launched.sandbox?.kind).toBe("bwrap");
      const turn = await runApproving(s, launched.agent_id);
      expect(turn.result).toContain("tried");
      // The server's control token, as its record holds it.
      const records = readdirSync(join(state, "servers")).filter((f) => f.endsWith(".json"));
      expect(records.length).toBeGreaterThan(0);
      const tokens = records.map((f) => JSON.stringify(JSON.parse(readFileSync(join(state, "servers", f), "utf8"))));
      const seen = JSON.stringify(s.fakes[provider].requests);
      // The commands ran (in the sandbox), and what they read back held none of it.
      expect(seen).toContain("sandboxed-bwrap ran-42");
      expect(seen).toContain("ledger-read-only");
      expect(seen).not.toContain(KEY);
      expect(seen).not.toContain(PASSWORD);
      for (const record of tokens) for (const token of record.match(/[A-Za-z0-9_-]{32,}/g) ?? []) expect(seen).not.toContain(token);
      expect(readFileSync(join(state, "spend.jsonl"), "utf8")).not.toContain("forged");
    });
  }

  it("a sub-agent's `subagent-mcp stop --all` finds no server to stop: its sibling works on", { timeout: 240_000 }, async () => {
    const s = (e = await startE2E({ SUBAGENT_MCP_CHILD_MESSAGING: "0" }));
    const sibling = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[slow:120000]]" });
    const stopper = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: `[[shell:${process.execPath} ${bin} stop --all 2>&1; printf 'stop-%s' done]] [[say:asked]]`,
      permissions: { allow: ["Bash"] },
    });
    const turn = await runApproving(s, stopper.agent_id);
    expect(turn.result).toContain("asked");
    expect(JSON.stringify(s.fakes.claude.requests)).toContain("stop-done");
    const polled = await s.call<{ status: string }>("poll_agent", { agent_id: sibling.agent_id });
    expect(polled.status).toBe("processing");
  });
});
