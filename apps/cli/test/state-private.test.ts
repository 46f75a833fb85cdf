import { chmodSync, chownSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, withUserConfig, type E2E } from "./e2e.js";

// The spend ledger and the shared rate-limit windows are state like the rest: one another user can
// write (theirs, or a folder open to others and not ours to narrow) is refused, by the server and
// the CLI, with an error naming it. Another user's file takes root to make (chown): run only as root.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const NOBODY = 65534;

describe.runIf(process.getuid?.() === 0)("state another user can write", () => {
  it("a spend ledger, rate-limit file or state folder of another user is refused by launch_agent and usage, naming it", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E({}, withUserConfig({ spend_caps: { claude: { day_turns: 5 } }, quota_percent: 90 })));
    const state = join(s.serverEnv.XDG_STATE_HOME as string, "subagent-mcp");
    const usage = (flag: string) => execa(process.execPath, [bin, "usage", flag], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false, reject: false });

    // A call the server answers once it has loaded and made its state folder (initialize is answered before).
    await s.call("list_agents");
    // A ledger another user owns: the launch a cap checks is refused, and so is usage --caps.
    const ledger = join(state, "spend.jsonl");
    writeFileSync(ledger, `${JSON.stringify({ at: new Date().toISOString(), provider: "claude" })}\n`, { mode: 0o600 });
    chownSync(ledger, NOBODY, NOBODY);
    const launched = await s.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "one" } });
    expect(launched.isError).toBe(true);
    expect(JSON.stringify(launched.content)).toContain(`${ledger} can be written by another user`);
    const caps = await usage("--caps");
    expect(caps.exitCode).not.toBe(0);
    expect(caps.stderr).toContain(`${ledger} can be written by another user (mode 0600, owner uid ${String(NOBODY)})`);
    chownSync(ledger, 0, 0);
    expect((await usage("--caps")).stdout).toContain("claude day_turns: 1 / 5");

    // Rate-limit windows another user wrote: usage --quota refuses them.
    const windows = join(state, "rate-limits.json");
    writeFileSync(windows, "{}\n", { mode: 0o666 });
    chownSync(windows, NOBODY, NOBODY);
    const quota = await usage("--quota");
    expect(quota.exitCode).not.toBe(0);
    expect(quota.stderr).toContain(`${windows} can be written by another user`);
    chownSync(windows, 0, 0);

    // The state folder itself, another user's and open to all: refused, named.
    chownSync(state, NOBODY, NOBODY);
    chmodSync(state, 0o777);
    const folder = await usage("--caps");
    expect(folder.exitCode).not.toBe(0);
    expect(folder.stderr).toContain(`${state} can be written by another user (mode 0777, owner uid ${String(NOBODY)})`);
    chmodSync(state, 0o700);
    chownSync(state, 0, 0);
  });
});
