import { cliExecutable, loopbackEnv, startAllFakes, startTmuxClaude, type FakeRequest } from "@subagent-mcp/testkit";
import { serverBin } from "./mcp-rig.js";
import { summarize, type Summary } from "./stats.js";

const LAUNCH = "mcp__subagent__launch_agent";
const WAIT = "mcp__subagent__wait";

/** One delegation as the interactive Claude Code host lives it. */
interface Delegation {
  /** The sub-agent's last model byte -> the request that hands the host model its result (ms). */
  notifyMs: number;
  /** Calls of our tools the host model made for it (launch, and waits without tasks). */
  toolCalls: number;
}

export interface TasksBench {
  /** With tasks and our poll hint (SUBAGENT_MCP_TASK_POLL_MS, default 250 ms). */
  tasksPollHint: Summary;
  /** With tasks and no poll hint (the host's own 2 s). */
  tasksNoHint: Summary;
  /** Without tasks (CLAUDE_CODE_DISABLE_MCP_TASKS=1): launch, then wait until the result comes. */
  waitLoop: Summary;
  toolCallsWithTasks: number;
  toolCallsWithWait: number;
}

/**
 * The interactive Claude Code (under tmux) as the host, our built server on stdio, a Codex
 * sub-agent: how late the host model hears that the sub-agent finished, and how many of the host
 * model's calls one delegation takes. Claude Code 2.1.330 never subscribes to pushed task status
 * (it polls `tasks/get`), so the poll hint is what we can set; both are measured.
 */
export async function tasksBench(runs: number): Promise<TasksBench> {
  const hinted: Delegation[] = [];
  const unhinted: Delegation[] = [];
  const waited: Delegation[] = [];
  for (let i = 0; i < runs; i++) {
    hinted.push(await delegateOnce("tasks", {}));
    unhinted.push(await delegateOnce("tasks", { SUBAGENT_MCP_TASK_POLL_MS: "0" }));
    waited.push(await delegateOnce("wait", {}));
  }
  const calls = (list: Delegation[]) => Math.max(...list.map((d) => d.toolCalls));
  return {
    tasksPollHint: summarize(hinted.map((d) => d.notifyMs)),
    tasksNoHint: summarize(unhinted.map((d) => d.notifyMs)),
    waitLoop: summarize(waited.map((d) => d.notifyMs)),
    toolCallsWithTasks: calls(hinted),
    toolCallsWithWait: calls(waited),
  };
}

async function delegateOnce(mode: "tasks" | "wait", serverExtra: Record<string, string>): Promise<Delegation> {
  const fakes = await startAllFakes();
  const env = await loopbackEnv(fakes);
  try {
    const serverEnv = { ...env.env, SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"), SUBAGENT_MCP_JOURNAL: "0", ...serverExtra };
    const mcpConfig = JSON.stringify({ mcpServers: { subagent: { command: process.execPath, args: [serverBin], env: serverEnv } } });
    const hostEnv = { ...env.env, ENABLE_TOOL_SEARCH: "false", ...(mode === "wait" ? { CLAUDE_CODE_DISABLE_MCP_TASKS: "1" } : {}) };
    let toolCalls = 0;
    let resolveSeen: (at: number) => void = () => undefined;
    const seen = new Promise<number>((resolve) => (resolveSeen = resolve));
    fakes.claude.script((request: FakeRequest, nonce) => {
      if (!request.tools.includes(LAUNCH)) return undefined;
      const last = request.messages.at(-1);
      if (last?.role === "user" && last.text.includes("<task-notification>")) {
        resolveSeen(performance.now());
        return { kind: "text", text: `${nonce} got it` };
      }
      if (request.afterToolResult) {
        const text = last?.text ?? "";
        // Without tasks the host model waits until the turn is in a wait result.
        if (mode === "wait" && text.includes(fakes.codex.nonce)) {
          resolveSeen(performance.now());
          return { kind: "text", text: `${nonce} got it` };
        }
        if (mode === "wait") {
          toolCalls++;
          const id = /([0-9a-f]{8})/.exec(request.messages.map((m) => m.text).join("\n"))?.[1] ?? "";
          return { kind: "tool", name: WAIT, input: { agent_ids: [id], timeout_s: 60 } };
        }
        return { kind: "text", text: `${nonce} carrying on` };
      }
      if (request.lastUserText.includes("delegate")) {
        toolCalls++;
        return { kind: "tool", name: LAUNCH, input: { provider: "codex", prompt: "the delegated piece" } };
      }
      return undefined;
    });
    const host = await startTmuxClaude({ ...env, env: hostEnv }, ["--mcp-config", mcpConfig, "--strict-mcp-config", "--allowedTools", `${LAUNCH},${WAIT}`]);
    try {
      await host.mcpConnected("subagent");
      await host.prompt("delegate this piece");
      const heardAt = await seen;
      // The sub-agent's last model byte: the end of the Codex fake's last answer.
      const lastByte = Math.max(...fakes.codex.requests.map((r) => r.endedAt ?? 0));
      return { notifyMs: Math.round((heardAt - lastByte) * 10) / 10, toolCalls };
    } finally {
      await host.close();
    }
  } finally {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await env.cleanup();
  }
}
