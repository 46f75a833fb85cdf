import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { DIRECTIVE, setOrchestrating } from "@subagent-mcp/hooks";
import { stateDir } from "@subagent-mcp/state";
import { loopbackEnv, runCli, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
afterEach(async () => {
  await env?.cleanup();
  await fake?.stop();
});

describe("orchestration mode with a real Codex host", () => {
  it(
    "runs our trusted hooks: the directive reaches the model while ON, spawn_agent is denied, and nothing happens while OFF",
    { timeout: 90_000 },
    async () => {
      const f = (fake = await startFakeFor("codex"));
      const e = (env = await loopbackEnv("codex", f));
      const setup = await execa(process.execPath, [bin, "setup", "--host", "codex"], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
      expect(setup.exitCode, setup.stderr).toBe(0);
      // The host's model asks for Codex's own sub-agent tool when offered, then reports what it got back.
      f.script((request, nonce) => {
        if (!request.lastUserText.includes("please delegate")) return undefined;
        const spawn = request.tools.find((t) => t.endsWith("spawn_agent"));
        if (!request.afterToolResult)
          return spawn === undefined
            ? { kind: "text", text: `${nonce} no spawn_agent` }
            : { kind: "tool", name: spawn, input: { task_name: "sub_work", message: "do sub work" } };
        return { kind: "text", text: `${nonce} tool said: ${request.messages.at(-1)?.text ?? ""}` };
      });
      // The fake serves tools to this model offline; multi_agent makes Codex offer its spawn_agent.
      const run = async (): Promise<string> =>
        (
          await runCli(e, ["exec", "--json", "--skip-git-repo-check", "-m", "gpt-5.5", "--enable", "multi_agent_v2", "please delegate"], {
            step: "codex with hooks",
            timeoutMs: 80_000,
          })
        ).stdout;

      setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, true);
      const on = await run();
      expect(f.requests.some((r) => r.messages.some((m) => m.text.includes(DIRECTIVE)))).toBe(true);
      expect(f.requests.some((r) => r.tools.some((t) => t.endsWith("spawn_agent")))).toBe(true);
      expect(on).toContain("Orchestration mode is on: launch sub-agents with the subagent-mcp tool launch_agent");

      f.clearRequests();
      setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, false);
      const off = await run();
      expect(off).not.toContain("Orchestration mode is on");
      // While OFF the native sub-agent really starts (its result names the task).
      expect(off).toContain("sub_work");
      expect(f.requests.some((r) => r.messages.some((m) => m.text.includes(DIRECTIVE)))).toBe(false);
    },
  );
});
