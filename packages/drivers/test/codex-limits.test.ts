import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentEvent } from "@subagent-mcp/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness.js";

// A stdio MCP server whose one tool answers with the variables it was started with.
const MCP_ENV = `
const rl = require("node:readline").createInterface({ input: process.stdin });
const send = (o) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", ...o }) + "\\n");
rl.on("line", (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  if (m.method === "initialize") send({ id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "probe", version: "1" } } });
  else if (m.method === "tools/list") send({ id: m.id, result: { tools: [{ name: "env", description: "Shows the server's environment", inputSchema: { type: "object", properties: {} } }] } });
  else if (m.method === "tools/call") send({ id: m.id, result: { content: [{ type: "text", text: "depth=" + process.env.SUBAGENT_MCP_DEPTH + " name=" + process.env.SUBAGENT_MCP_AGENT_NAME } ] } });
  else send({ id: m.id, error: { code: -32601, message: "unknown method" } });
});
`;

// Every tool name Codex has used for its own sub-agents (plain and in its collaboration namespace).
const NATIVE_SUBAGENT_TOOL = /spawn_agent|send_input|resume_agent|wait_agent|close_agent|spawn_agents_on_csv|^collaboration/;

describe("codex driver: limits of a sub-agent thread", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness("codex");
  });
  afterEach(async () => {
    await h.close();
  });
  const config = (toml: string): void => {
    appendFileSync(join(h.env.env.CODEX_HOME ?? "", "config.toml"), toml);
  };

  it('starts with permission mode "default" (the user\'s own sandbox) and answers', async () => {
    const session = h.start({ permissionMode: "default" });
    session.send("hello in default mode");
    // A failed handshake ends the process: whichever comes first decides.
    const end = await h.next("default-mode turn", (e): e is Extract<AgentEvent, { type: "turn_end" | "exit" }> => e.type === "turn_end" || e.type === "exit");
    expect(end.type === "turn_end" ? end.isError : h.events).toBe(false);
    if (end.type !== "turn_end") return;
    expect(end.result).toContain(h.fake.nonce);
  });

  it("offers the model none of Codex's own sub-agent tools, even where the user's config enables them", async () => {
    // The loopback config already has a [features] table: the user's switches go into it.
    const file = join(h.env.env.CODEX_HOME ?? "", "config.toml");
    writeFileSync(file, readFileSync(file, "utf8").replace("[features]\n", "[features]\nmulti_agent = true\nmulti_agent_v2 = true\n"));
    const session = h.start();
    session.send("list your tools");
    await h.turnEnd("turn with the user's multi-agent features on");
    const offered = h.fake.requests.flatMap((r) => r.tools);
    expect(offered).toContain("exec_command");
    expect(offered.filter((t) => NATIVE_SUBAGENT_TOOL.test(t))).toEqual([]);
  });

  it("passes the variables named in mcpEnv to the user's own MCP servers", async () => {
    const server = join(h.env.home, "mcp-env.cjs");
    writeFileSync(server, MCP_ENV);
    config(`\n[mcp_servers.probe]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(server)}]\n`);
    h.fake.script((r) => (r.afterToolResult ? undefined : { kind: "tool", name: "mcp__probe__env", input: {} }));
    const session = h.start({ env: { SUBAGENT_MCP_DEPTH: "1", SUBAGENT_MCP_AGENT_NAME: "kid" }, mcpEnv: ["SUBAGENT_MCP_DEPTH", "SUBAGENT_MCP_AGENT_NAME"] });
    session.send("what is your depth?");
    const end = await h.turnEnd("turn calling the probe server");
    expect(end.result).toContain("depth=1 name=kid");
  });
});
