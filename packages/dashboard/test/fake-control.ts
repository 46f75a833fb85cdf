// A stand-in for a server's control endpoint (MCP over streamable HTTP + change events), with one
// agent that asks for a permission: what the dashboard reads, and every tool call it makes.
import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { listenOnLoopback, statelessMcpHandler } from "@subagent-mcp/testkit";
import { z } from "zod";

export interface FakeControl {
  url: string;
  /** Every tool called, in order. */
  calls: { name: string; args: Record<string, unknown> }[];
  agent: { agent_id: string; provider: string; status: string; alive: boolean; turns: number; cwd: string; pending: string[] };
  /** Sends a change event to the readers. */
  change(): void;
  close(): Promise<void>;
}

export async function startFakeControl(cwd: string): Promise<FakeControl> {
  const token = randomBytes(16).toString("hex");
  const readers = new Set<ServerResponse>();
  const calls: FakeControl["calls"] = [];
  const agent = { agent_id: "a1", provider: "claude", status: "running", alive: true, turns: 1, cwd, pending: ["p1"] };
  const change = (): void => {
    for (const r of readers) r.write(`event: change\ndata: ${JSON.stringify({ agent_ids: [agent.agent_id] })}\n\n`);
  };
  const row = () => ({
    agent_id: agent.agent_id,
    provider: agent.provider,
    status: agent.status,
    alive: agent.alive,
    turns: agent.turns,
    cwd: agent.cwd,
    ...(agent.pending.length === 0 ? {} : { pending_permissions: agent.pending.length }),
  });
  const result = (structured: Record<string, unknown>) => ({
    content: [{ type: "text" as const, text: JSON.stringify(structured) }],
    structuredContent: structured,
  });
  const build = (): McpServer => {
    const server = new McpServer({ name: "fake-control", version: "1.0.0" });
    const tool = (name: string, input: z.ZodRawShape, run: (args: Record<string, unknown>) => Record<string, unknown>) =>
      server.registerTool(name, { inputSchema: input }, (args: Record<string, unknown>) => {
        calls.push({ name, args });
        return result(run(args));
      });
    tool("list_agents", {}, () => ({ agents: [row()] }));
    tool("list_pool", {}, () => ({ agents: [], problems: [] }));
    tool("poll_agent", { agent_id: z.string(), tail_chars: z.number().optional() }, () => ({
      ...row(),
      output_tail: "working…",
      pending_permissions: agent.pending.map((id) => ({
        request_id: id,
        tool: "Bash",
        kind: "shell",
        summary: "Bash: ls",
        asked_at: new Date(0).toISOString(),
        options: [],
      })),
    }));
    tool("transcript", { agent_id: z.string(), from_turn: z.number().optional() }, (args) =>
      args.from_turn === 2
        ? { agent_id: agent.agent_id, turns: [{ turn: 2, at: "t2", prompts: ["b"], tools: [] }], total_turns: 2 }
        : { agent_id: agent.agent_id, turns: [{ turn: 1, at: "t1", prompts: ["a"], tools: [] }], total_turns: 2, next_turn: 2 },
    );
    tool("respond_permission", { agent_id: z.string(), request_id: z.string(), decision: z.string(), reason: z.string().optional() }, (args) => {
      agent.pending = agent.pending.filter((id) => id !== args.request_id);
      setImmediate(change);
      return { agent_id: agent.agent_id, request_id: args.request_id, decision: args.decision };
    });
    tool("kill_agent", { agent_id: z.string() }, () => {
      Object.assign(agent, { status: "killed", alive: false });
      setImmediate(change);
      return { agent_id: agent.agent_id, status: "killed", alive: false };
    });
    tool("wait", {}, () => ({}));
    return server;
  };
  const serve = await statelessMcpHandler(build);
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path === `/control/${token}/events`) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(": connected\n\n");
      readers.add(res);
      res.on("close", () => readers.delete(res));
      return;
    }
    if (path !== `/control/${token}/mcp` || req.method !== "POST") {
      res.writeHead(path === `/control/${token}/mcp` ? 405 : 404).end();
      return;
    }
    serve(req, res);
  });
  const { port, stop } = await listenOnLoopback(http);
  return {
    url: `http://127.0.0.1:${port}/control/${token}`,
    calls,
    agent,
    change,
    close: stop,
  };
}
