import { PassThrough } from "node:stream";
import { spawn } from "node:child_process";
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { initializeResult, openDoor } from "../src/mcp/door.js";
import { bin, startE2E, type E2E } from "./e2e.js";

// `initialize` is answered at the door, before the server loads: the same answer the server gives,
// which the server checks when it reads that `initialize` again (and says so on stderr if not).

const versions = SUPPORTED_PROTOCOL_VERSIONS;
const initialize = (id: number, protocolVersion: string): string =>
  `${JSON.stringify({ jsonrpc: "2.0", id, method: "initialize", params: { protocolVersion, capabilities: {}, clientInfo: { name: "t", version: "1" } } })}\n`;

describe("the door", () => {
  it("answers an initialize as the server would, and hands over every byte it read", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const door = openDoor({ stdin, stdout, env: {}, version: "9.9.9", protocolVersions: versions });
    const first = initialize(7, "2025-06-18");
    const rest = '{"jsonrpc":"2.0","method":"notifications/initialized"}\n{"jsonrpc":"2.0","id":8,"meth';
    stdin.write(first.slice(0, 20));
    stdin.write(first.slice(20) + rest);
    const handover = await door;
    expect(Buffer.concat(handover.read).toString()).toBe(first + rest);
    expect(handover.answered?.id).toBe(7);
    const line = JSON.parse(String(stdout.read())) as { id: number; result: { protocolVersion: string; serverInfo: unknown; instructions: string } };
    expect(line.id).toBe(7);
    expect(line.result.protocolVersion).toBe("2025-06-18");
    expect(line.result.serverInfo).toEqual({ name: "subagent-mcp", version: "9.9.9" });
    expect(line.result.instructions).toContain("send_to");
  });

  it("leaves to the server what it cannot answer as the server would", () => {
    const o = { env: {}, version: "1", protocolVersions: versions };
    expect(initializeResult(JSON.parse(initialize(1, "1999-01-01")), o)).toBeUndefined();
    expect(initializeResult({ jsonrpc: "2.0", id: 1, method: "tools/list" }, o)).toBeUndefined();
    expect(initializeResult(JSON.parse(initialize(1, "2025-06-18")), { ...o, protocolVersions: undefined })).toBeUndefined();
    expect(initializeResult(JSON.parse(initialize(1, "2025-06-18")), { ...o, env: { SUBAGENT_MCP_TOOLSETS: "sessions,nope" } })).toBeUndefined();
    // A nested server without a mailbox name has no messaging tools to tell of.
    const nested = initializeResult(JSON.parse(initialize(1, "2025-06-18")), { ...o, env: { SUBAGENT_MCP_DEPTH: "1" } });
    expect(nested?.instructions).not.toContain("send_to");
  });

  it("holds no more than a first line's worth: a longer line is the server's to bound", async () => {
    const stdin = new PassThrough();
    const door = openDoor({ stdin, stdout: new PassThrough(), env: {}, version: "1", protocolVersions: versions });
    stdin.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"x":"${"a".repeat(70_000)}`);
    const handover = await door;
    expect(handover.answered).toBeUndefined();
    expect(Buffer.concat(handover.read).length).toBeGreaterThan(65_536);
  });

  it("hands over at once when stdin ends first", async () => {
    const stdin = new PassThrough();
    const door = openDoor({ stdin, stdout: new PassThrough(), env: {}, version: "1", protocolVersions: versions });
    stdin.end('{"jsonrpc":"2.0"');
    const handover = await door;
    expect(handover.ended).toBe(true);
    expect(handover.answered).toBeUndefined();
  });
});

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

describe("the built server behind its door", () => {
  for (const [what, env] of [
    ["every toolset", {}],
    ["sessions only", { SUBAGENT_MCP_TOOLSETS: "sessions,pool" }],
    ["a nested server without a mailbox", { SUBAGENT_MCP_DEPTH: "1" }],
    ["a named mailbox", { SUBAGENT_MCP_AGENT_NAME: "worker-a" }],
  ] as const)
    it(`answers initialize as the server does (${what})`, async () => {
      const s = (e = await startE2E(env));
      // A call the server answers: it has read the replayed initialize before it.
      await s.call("list_agents");
      expect(s.client.getServerVersion()?.name).toBe("subagent-mcp");
      expect(s.stderr()).not.toContain("answered at the door");
    });

  it("leaves a version it does not speak to the server, which offers its latest", async () => {
    // The same environment as every e2e server's (its own server stays idle).
    const { env } = (e = await startE2E());
    const child = spawn(process.execPath, [bin, "mcp"], { cwd: env.cwd, env: env.env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const answered = new Promise<string>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
      });
    });
    child.stdin.write(initialize(1, "1999-01-01"));
    const answer = JSON.parse(await answered) as { result: { protocolVersion: string } };
    child.stdin.end();
    expect(answer.result.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    await new Promise((resolve) => child.once("exit", resolve));
  });
});
