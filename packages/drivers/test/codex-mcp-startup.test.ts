import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness.js";

// A stdio MCP server with one tool, `ping`, that answers `initialize` DELAY ms late: a server slow
// to start (a cold npx, a busy machine). Codex alone runs a turn after about a second without it.
const SERVER = `
import { createInterface } from "node:readline";
const send = (m) => process.stdout.write(JSON.stringify(m) + "\\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  const m = JSON.parse(line);
  const result = { protocolVersion: m.params?.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "late", version: "1" } };
  if (m.method === "initialize") setTimeout(() => send({ jsonrpc: "2.0", id: m.id, result }), Number(process.env.DELAY));
  else if (m.method === "tools/list") send({ jsonrpc: "2.0", id: m.id, result: { tools: [{ name: "ping", description: "Answers pong", inputSchema: { type: "object", properties: {} } }] } });
  else if (m.method === "tools/call") send({ jsonrpc: "2.0", id: m.id, result: { content: [{ type: "text", text: "pong" }] } });
  else if (m.id !== undefined) send({ jsonrpc: "2.0", id: m.id, result: {} });
});
`;

// Codex's app-server starts a thread's MCP servers in the background and runs a turn with the
// tools of those ready by then: the driver holds the first turn until they are up.
describe("codex: a thread's MCP servers are up before its first turn", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("a server that starts late still serves the first turn's tool call", { timeout: 120_000 }, async () => {
    h = await harness("codex");
    const script = join(h.env.home, "late-mcp.mjs");
    writeFileSync(script, SERVER);
    const session = h.start({ mcpServers: [{ name: "late", command: process.execPath, args: [script], env: { DELAY: "3000" } }] });
    session.send("[[tool:mcp__late__ping|{}]]");
    const end = await h.turnEnd("the tool call's turn");
    expect(end.result).toContain("pong");
  });

  it("a server that cannot start does not hold the turn", { timeout: 120_000 }, async () => {
    h = await harness("codex");
    const session = h.start({ mcpServers: [{ name: "broken", command: join(h.env.home, "no-such-server"), args: [], env: {} }] });
    session.send("hello there");
    const end = await h.turnEnd("the turn");
    expect(end.result).toContain(`${h.fake.nonce} echo: hello there`);
  });
});
