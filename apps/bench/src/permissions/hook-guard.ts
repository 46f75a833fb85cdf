import { execa } from "execa";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { handlerCommand } from "@subagent-mcp/hooks";
import { serverBin } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

/**
 * Wall time of one hook event as Claude Code runs it (`/bin/sh -c`, the event on stdin) through the
 * command setup registers: in a sub-agent (depth 1) the shell answers, in the orchestrator (depth
 * unset, mode off) our handler's Node process does. Alternating runs, so both see the same machine.
 */
export async function hookGuardBench(runs: number): Promise<{ subagent: Summary; orchestrator: Summary; emptyShell: Summary }> {
  const home = mkdtempSync(join(tmpdir(), "hook-guard-bench-"));
  const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, "state") };
  const command = handlerCommand(`${process.execPath} "${serverBin}"`, "claude");
  const input = JSON.stringify({ hook_event_name: "UserPromptSubmit", cwd: home, prompt: "hi" });
  const time = async (extra: Record<string, string>, text = command): Promise<number> => {
    const t0 = performance.now();
    await execa("/bin/sh", ["-c", text], { input, env: { ...env, ...extra }, extendEnv: false });
    return performance.now() - t0;
  };
  const subagent: number[] = [];
  const orchestrator: number[] = [];
  // For scale: a shell that does nothing, started the same way.
  const emptyShell: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    subagent.push(await time({ SUBAGENT_MCP_DEPTH: "1" }));
    orchestrator.push(await time({}));
    emptyShell.push(await time({}, "exit 0"));
  }
  return { subagent: summarize(subagent), orchestrator: summarize(orchestrator), emptyShell: summarize(emptyShell) };
}
