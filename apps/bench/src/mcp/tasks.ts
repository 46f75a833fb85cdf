import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { cliExecutable, loopbackEnv, startAllFakes, startTmuxClaude, type FakeRequest } from "@subagent-mcp/testkit";
import { serverBin } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

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
  /** One `tasks/get` round trip over stdio, as a host polls (µs). */
  taskGetUs: Summary;
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
  const taskGetUs = await taskGetRoundTrips(200 * runs);
  return {
    tasksPollHint: summarize(hinted.map((d) => d.notifyMs)),
    tasksNoHint: summarize(unhinted.map((d) => d.notifyMs)),
    waitLoop: summarize(waited.map((d) => d.notifyMs)),
    toolCallsWithTasks: calls(hinted),
    toolCallsWithWait: calls(waited),
    taskGetUs,
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

// The 2026-07-28 `_meta` of a task-taking host, on every request.
const TAKES_TASKS = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": { extensions: { "io.modelcontextprotocol/tasks": {} } },
};

// `tasks/get` as a host sends it, one at a time, on the built server over stdio, while its Codex sub-agent works and after.
async function taskGetRoundTrips(count: number): Promise<Summary> {
  const fakes = await startAllFakes();
  const env = await loopbackEnv(fakes);
  const server = spawn(process.execPath, [serverBin], {
    env: { ...env.env, SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"), SUBAGENT_MCP_JOURNAL: "0" },
    cwd: env.cwd,
    stdio: ["pipe", "pipe", "ignore"],
  });
  const answers = new Map<number, (message: { result?: Record<string, unknown> }) => void>();
  createInterface({ input: server.stdout }).on("line", (line) => {
    const message = JSON.parse(line) as { id?: number; result?: Record<string, unknown> };
    if (typeof message.id === "number") answers.get(message.id)?.(message);
  });
  let id = 0;
  const request = (method: string, params: Record<string, unknown>) =>
    new Promise<{ result?: Record<string, unknown> }>((resolve) => {
      id++;
      answers.set(id, resolve);
      server.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params: { ...params, _meta: TAKES_TASKS } })}\n`);
    });
  try {
    await request("server/discover", {});
    await request("tools/list", {});
    const created = await request("tools/call", { name: "launch_agent", arguments: { provider: "codex", prompt: "polled" } });
    const taskId = String(created.result?.taskId);
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await request("tasks/get", { taskId });
      samples.push(Math.round((performance.now() - start) * 1000));
    }
    return summarize(samples);
  } finally {
    server.kill();
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await env.cleanup();
  }
}
