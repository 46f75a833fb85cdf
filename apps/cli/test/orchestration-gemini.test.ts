import { readFileSync } from "node:fs";
import { join } from "node:path";
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

describe("orchestration mode with a real Gemini CLI host", () => {
  it("denies invoke_agent with our reason while ON, injects the directive, and allows it while OFF", { timeout: 90_000 }, async () => {
    const f = (fake = await startFakeFor("gemini"));
    const e = (env = await loopbackEnv("gemini", f));
    const setup = await execa(process.execPath, [bin, "setup", "--host", "gemini"], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(readFileSync(join(e.home, ".gemini", "settings.json"), "utf8")).toContain(" hook gemini");
    // The host's model asks for Gemini CLI's own sub-agent tool, then reports what it got back.
    f.script((request, nonce) => {
      if (!request.tools.includes("invoke_agent") || !request.lastUserText.includes("please delegate")) return undefined;
      if (!request.afterToolResult) return { kind: "tool", name: "invoke_agent", input: { agent_name: "generalist", prompt: "do sub work" } };
      return { kind: "text", text: `${nonce} tool said: ${request.messages.at(-1)?.text ?? ""}` };
    });
    const run = async (): Promise<string> => {
      const { stdout } = await runCli(e, ["-p", "please delegate", "--output-format", "json", "--approval-mode", "yolo"], {
        step: "gemini with hooks",
        timeoutMs: 80_000,
      });
      return (JSON.parse(stdout.slice(stdout.indexOf("{"))) as { response: string }).response;
    };

    setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, true);
    const on = await run();
    expect(on).toContain("Orchestration mode is on: launch sub-agents with the subagent-mcp tool launch_agent");
    const main = f.requests.filter((r) => r.tools.includes("invoke_agent") && !r.wantsJson);
    expect(main.some((r) => r.messages.some((m) => m.text.includes(DIRECTIVE)))).toBe(true);
    expect(f.requests.some((r) => r.lastUserText.includes("do sub work"))).toBe(false);

    f.clearRequests();
    setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, false);
    const off = await run();
    expect(off).not.toContain("Orchestration mode is on");
    // The built-in sub-agent ran: its own model request carries the task.
    expect(f.requests.some((r) => r.lastUserText.includes("do sub work"))).toBe(true);
    expect(f.requests.some((r) => r.messages.some((m) => m.text.includes(DIRECTIVE)))).toBe(false);
  });

  it("the gemini hook answers in Gemini CLI's shape and stays silent for sub-agents", { timeout: 30_000 }, async () => {
    const f = (fake = await startFakeFor("gemini"));
    const e = (env = await loopbackEnv("gemini", f));
    setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, true);
    const input = JSON.stringify({ hook_event_name: "BeforeTool", cwd: e.cwd, tool_name: "invoke_agent", tool_input: { agent_name: "generalist" } });
    const denied = await execa(process.execPath, [bin, "hook", "gemini"], { input, env: e.env, extendEnv: false });
    expect(JSON.parse(denied.stdout)).toMatchObject({ decision: "deny" });
    const prompt = await execa(process.execPath, [bin, "hook", "gemini"], {
      input: JSON.stringify({ hook_event_name: "BeforeAgent", cwd: e.cwd, prompt: "hi" }),
      env: e.env,
      extendEnv: false,
    });
    expect(JSON.parse(prompt.stdout)).toEqual({ hookSpecificOutput: { hookEventName: "BeforeAgent", additionalContext: DIRECTIVE } });
    const child = await execa(process.execPath, [bin, "hook", "gemini"], { input, env: { ...e.env, SUBAGENT_MCP_DEPTH: "1" }, extendEnv: false });
    expect(child.stdout).toBe("");
  });
});
