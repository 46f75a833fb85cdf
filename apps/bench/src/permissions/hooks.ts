import { execa } from "execa";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverBin } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

/** Wall time of one hook invocation as the host pays it: a process start, stdin in, stdout out. */
export async function hookBench(runs: number): Promise<{
  userPromptOff: Summary;
  preToolOn: Summary;
  geminiPromptOn: Summary;
  geminiToolOn: Summary;
  codexToolOn: Summary;
  stopOn: Record<"claude" | "codex" | "gemini", Summary>;
  versionCommand: Summary;
}> {
  const home = mkdtempSync(join(tmpdir(), "hook-bench-"));
  const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, "state") };
  const time = async (args: string[], input: string): Promise<number> => {
    const t0 = performance.now();
    await execa(process.execPath, [serverBin, ...args], { input, env, extendEnv: false });
    return performance.now() - t0;
  };
  const off: number[] = [];
  const on: number[] = [];
  const version: number[] = [];
  const geminiPrompt: number[] = [];
  const geminiTool: number[] = [];
  const prompt = JSON.stringify({ hook_event_name: "UserPromptSubmit", cwd: home, prompt: "hi" });
  const tool = JSON.stringify({ hook_event_name: "PreToolUse", cwd: home, tool_name: "Agent", tool_input: {} });
  for (let i = 0; i < runs; i += 1) off.push(await time(["hook", "claude"], prompt));
  const { setOrchestrating } = await import("@subagent-mcp/hooks");
  setOrchestrating(join(home, "state", "subagent-mcp"), home, true);
  for (let i = 0; i < runs; i += 1) on.push(await time(["hook", "claude"], tool));
  // Gemini CLI: BeforeAgent (directive injected) and BeforeTool on invoke_agent (denied), mode on.
  const geminiAgent = JSON.stringify({ hook_event_name: "BeforeAgent", cwd: home, prompt: "hi" });
  const geminiInvoke = JSON.stringify({ hook_event_name: "BeforeTool", cwd: home, tool_name: "invoke_agent", tool_input: { agent_name: "generalist" } });
  for (let i = 0; i < runs; i += 1) geminiPrompt.push(await time(["hook", "gemini"], geminiAgent));
  for (let i = 0; i < runs; i += 1) geminiTool.push(await time(["hook", "gemini"], geminiInvoke));
  // Codex: PreToolUse on its spawn_agent (denied), mode on.
  const codexSpawn = JSON.stringify({ hook_event_name: "PreToolUse", cwd: home, tool_name: "spawn_agent", tool_input: {} });
  const codexTool: number[] = [];
  for (let i = 0; i < runs; i += 1) codexTool.push(await time(["hook", "codex"], codexSpawn));
  // Stop (Gemini CLI: AfterAgent) with a sub-agent still running: both small files read, the stop blocked.
  const { pendingFile, writePending } = await import("@subagent-mcp/hooks");
  writePending(pendingFile(join(home, "state", "subagent-mcp"), home), {
    server_pid: process.pid,
    updated_at: new Date().toISOString(),
    running: [{ agent_id: "abcd1234", status: "processing" }],
    permission_requests: [],
    unread: [],
    messages_waiting: 0,
  });
  const stopOn = { claude: [] as number[], codex: [] as number[], gemini: [] as number[] };
  for (const host of ["claude", "codex", "gemini"] as const) {
    const stop = JSON.stringify({ hook_event_name: host === "gemini" ? "AfterAgent" : "Stop", cwd: home, session_id: "bench", stop_hook_active: false });
    for (let i = 0; i < runs; i += 1) stopOn[host].push(await time(["hook", host], stop));
  }
  for (let i = 0; i < runs; i += 1) version.push(await time(["--version"], ""));
  return {
    userPromptOff: summarize(off),
    preToolOn: summarize(on),
    geminiPromptOn: summarize(geminiPrompt),
    geminiToolOn: summarize(geminiTool),
    codexToolOn: summarize(codexTool),
    stopOn: { claude: summarize(stopOn.claude), codex: summarize(stopOn.codex), gemini: summarize(stopOn.gemini) },
    versionCommand: summarize(version),
  };
}
