import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Supervisor } from "@subagent-mcp/core";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ServerRecordSchema, type ServerRecord } from "@subagent-mcp/contract";
import { createServer, pruneServerRecords } from "../src/index.js";
import { events, scripted, status } from "./control-rig.js";

type Call = (name: string, args?: Record<string, unknown>) => Promise<Record<string, unknown>>;

const caller =
  (client: Client): Call =>
  async (name, args = {}) => {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError === true) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent as Record<string, unknown>;
  };

// Until `read` gives something `ok` accepts (a condition, checked as the event loop turns).
async function until<T>(read: () => T, ok: (value: T) => boolean): Promise<T> {
  for (;;) {
    const now = read();
    if (ok(now)) return now;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A server with the control endpoint, its stdio-side client (in memory), and a control client over real HTTP. */
async function withControl(
  use: (rig: {
    record: ServerRecord;
    stdio: Call;
    control: Call;
    controlClient: Client;
    finish: (i: number, result: string) => void;
    stateDir: string;
  }) => Promise<void>,
): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), "control-state-"));
  const cwd = mkdtempSync(join(tmpdir(), "control-cwd-"));
  const { driver, finish } = scripted();
  const { server, close } = createServer(
    grouped({
      supervisor: (extra) => Promise.resolve(new Supervisor({ ...extra, drivers: { claude: driver } })),
      version: "9.9.9",
      defaultCwd: cwd,
      journal: { dir: join(stateDir, "agents") },
      control: { stateDir, cwd, session: "s1" },
    }),
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const stdioClient = new Client({ name: "host", version: "1" });
  await stdioClient.connect(clientSide);
  const [record] = await until(
    () => pruneServerRecords(stateDir),
    (r) => r.length > 0,
  );
  const controlClient = new Client({ name: "dashboard", version: "1" });
  await controlClient.connect(new StreamableHTTPClientTransport(new URL(`${record?.control}/mcp`)));
  try {
    await use({ record: record as ServerRecord, stdio: caller(stdioClient), control: caller(controlClient), controlClient, finish, stateDir });
  } finally {
    await controlClient.close();
    await stdioClient.close();
    await close();
  }
  expect(existsSync(join(stateDir, "servers", `${process.pid}.json`))).toBe(false);
  expect(pruneServerRecords(stateDir)).toEqual([]);
}

describe("the dashboard's control endpoint", () => {
  it("is published in a private record of this server, removed when the server closes", () =>
    withControl(({ record, stateDir }) => {
      expect(ServerRecordSchema.parse(record)).toEqual(record);
      expect(record).toMatchObject({ pid: process.pid, session: "s1", version: "9.9.9" });
      expect(record.control).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/control\/[0-9a-f]{32}$/);
      expect(statSync(join(stateDir, "servers")).mode & 0o777).toBe(0o700);
      expect(statSync(join(stateDir, "servers", `${process.pid}.json`)).mode & 0o777).toBe(0o600);
      return Promise.resolve();
    }));

  it("offers the sessions and pool tools but not wait nor those that start agents; reading an agent leaves its turn to the orchestrator's wait", () =>
    withControl(async ({ stdio, control, controlClient, finish }) => {
      const tools = (await controlClient.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(
        expect.arrayContaining([
          "list_agents",
          "poll_agent",
          "transcript",
          "send_message",
          "kill_agent",
          "respond_permission",
          "list_pool",
          "usage",
          "resume_agent",
        ]),
      );
      for (const starts of ["wait", "launch_agent", "invoke", "warmup"]) expect(tools).not.toContain(starts);
      expect(tools).not.toContain("orchestration_mode");

      const { agent_id: id } = await stdio("launch_agent", { provider: "claude", prompt: "first task", label: "worker" });
      finish(0, "the first answer");
      expect(await control("poll_agent", { agent_id: id })).toMatchObject({ agent_id: id, turns: 1, last_result: "the first answer" });
      const listed = (await control("list_agents")).agents as { agent_id: string; label?: string }[];
      expect(listed).toEqual([expect.objectContaining({ agent_id: id, label: "worker" })]);
      const transcript = await control("transcript", { agent_id: id });
      expect(JSON.stringify(transcript)).toContain("the first answer");
      expect(await control("list_pool")).toMatchObject({ agents: [] });

      // Everything the dashboard read is still the orchestrator's to be told.
      const waited = await stdio("wait", { agent_ids: [id], timeout_s: 30 });
      expect(waited.finished).toEqual([expect.objectContaining({ agent_id: id, turn: 1, result: "the first answer" })]);
    }));

  it("streams a change event naming the agent whenever one changes", () =>
    withControl(async ({ record, stdio, finish }) => {
      const stream = await events(`${record.control}/events`);
      expect(stream.res.statusCode).toBe(200);
      expect(stream.res.headers["content-type"]).toBe("text/event-stream");
      const { agent_id: id } = await stdio("launch_agent", { provider: "claude", prompt: "watched" });
      await stream.next((e) => e.agent_ids.includes(id as string));
      finish(0, "done");
      await stream.next((e) => e.agent_ids.includes(id as string));
      stream.res.destroy();
    }));

  it("answers only its token's paths, addressed to 127.0.0.1 or localhost with no browser Origin", () =>
    withControl(async ({ record }) => {
      const { port, origin } = new URL(record.control);
      const mcp = `${record.control}/mcp`;
      expect(await status(mcp, "POST")).toBe(200);
      expect(await status(mcp, "POST", { host: `localhost:${port}` })).toBe(200);
      expect(await status(`${origin}/control/mcp`, "POST")).toBe(404);
      expect(await status(mcp.replace(/\/control\/[0-9a-f]{32}\//, `/control/${"0".repeat(32)}/`), "POST")).toBe(404);
      expect(await status(`${record.control}/other`, "GET")).toBe(404);
      expect(await status(`${origin}/`, "GET")).toBe(404);
      expect(await status(mcp, "POST", { origin: "http://evil.example" })).toBe(403);
      expect(await status(`${record.control}/events`, "GET", { origin: `http://127.0.0.1:${port}` })).toBe(403);
      expect(await status(mcp, "POST", { host: `evil.example:${port}` })).toBe(403);
      expect(await status(`${record.control}/events`, "GET", { host: `evil.example:${port}` })).toBe(403);
      expect(await status(mcp, "GET")).toBe(405);
      expect(await status(`${record.control}/events`, "POST")).toBe(405);
    }));
});
