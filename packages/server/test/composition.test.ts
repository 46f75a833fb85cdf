import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped, type FlatDeps } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Supervisor, type Driver, type McpServerSpec, type Session, type SessionSpec } from "@subagent-mcp/core";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServer } from "../src/index.js";

// A driver that records what each session was started with and never ends a turn.
function recordingDriver(): { driver: Driver; specs: SessionSpec[] } {
  const specs: SessionSpec[] = [];
  const session: Session = {
    pid: undefined,
    send: () => undefined,
    interrupt: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    close: () => Promise.resolve(),
    kill: () => Promise.resolve(),
  };
  return { specs, driver: { provider: "claude", start: (spec) => (specs.push(spec), session) } };
}

async function connected(deps: FlatDeps): Promise<{ client: Client; close: () => Promise<void> }> {
  const made = createServer(grouped(deps));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await made.server.connect(b);
  const client = new Client({ name: "test", version: "1" });
  await client.connect(a);
  return { client, close: made.close };
}

describe("createServer", () => {
  it("makes a supervisor given as a factory on the first call that needs it, once, and close() shuts it down", async () => {
    let made = 0;
    let shutdowns = 0;
    const supervisor = (): Promise<Supervisor> => {
      made += 1;
      const s = new Supervisor({ drivers: {} });
      const shutdown = s.shutdown.bind(s);
      s.shutdown = () => ((shutdowns += 1), shutdown());
      return Promise.resolve(s);
    };
    const { client, close } = await connected({ supervisor, version: "test" });
    // Connecting and listing the tools need no supervisor (nor its drivers).
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(made).toBe(0);
    await Promise.all([client.callTool({ name: "list_agents", arguments: {} }), client.callTool({ name: "wait", arguments: {} })]);
    expect(made).toBe(1);
    await close();
    expect(shutdowns).toBe(1);
  });

  it("leaves a given supervisor to its owner", async () => {
    const supervisor = new Supervisor({ drivers: {} });
    let shutdowns = 0;
    supervisor.shutdown = () => ((shutdowns += 1), Promise.resolve());
    const { client, close } = await connected({ supervisor, version: "test" });
    await client.callTool({ name: "list_agents", arguments: {} });
    await close();
    expect(shutdowns).toBe(0);
  });

  it("with childMessaging, gives each launched sub-agent its own messaging server, started on the first launch and stopped by close()", async () => {
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "composition-")));
    const { driver, specs } = recordingDriver();
    const { client, close } = await connected({
      supervisor: new Supervisor({ drivers: { claude: driver } }),
      version: "test",
      defaultCwd: mkdtempSync(join(tmpdir(), "composition-cwd-")),
      messaging: { mail: asyncStore(mail), self: "boss" },
      childMessaging: true,
    });
    const launched = await client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "hi" } });
    const child = (launched.structuredContent as { mailbox: string }).mailbox;
    const server = specs[0]?.mcpServers?.find((s) => s.name === "mailbox") as Extract<McpServerSpec, { url: string }> | undefined;
    // Its own address on the loopback endpoint, and the token it was issued in a header.
    expect(server?.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/agents/${child}/mailbox$`));
    expect(server?.headers).toEqual({ Authorization: expect.stringMatching(/^Bearer [A-Za-z0-9_-]{16,}$/) as unknown });
    const { url, headers } = server as Extract<McpServerSpec, { url: string }>;
    const sub = new Client({ name: child, version: "1" });
    await sub.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: headers ?? {} } }));
    await sub.callTool({ name: "send_to", arguments: { to: "boss", message: "a question" } });
    expect(mail.receive("boss")[0]).toMatchObject({ from: child, body: "a question" });
    await sub.close();
    // The address alone reaches nothing.
    expect((await fetch(url, { method: "POST" })).status).toBe(401);
    await close();
    await expect(fetch(url, { method: "POST", headers: headers ?? {} })).rejects.toThrow();
  });

  it("without childMessaging, sub-agents get no messaging server", async () => {
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "composition-")));
    const { driver, specs } = recordingDriver();
    const supervisor = new Supervisor({ drivers: { claude: driver } });
    const { client, close } = await connected({ supervisor, version: "test", messaging: { mail: asyncStore(mail), self: "boss" } });
    const launched = await client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "hi" } });
    expect(launched.structuredContent).not.toHaveProperty("mailbox");
    expect(specs[0]?.mcpServers).toBeUndefined();
    await close();
    await supervisor.shutdown();
  });
});
