import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";

// Each costly module notes when it is first loaded.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock("@subagent-mcp/drivers", async (original) => (loaded.add("drivers"), original()));
vi.mock("@subagent-mcp/agents/pool", async (original) => (loaded.add("agents"), original()));
vi.mock("../src/endpoints/child-endpoint.js", async (original) => (loaded.add("child endpoint"), original()));
vi.mock("../src/pool/pool-catalog.js", async (original) => (loaded.add("pool"), original()));
vi.mock("@subagent-mcp/hosts", async (original) => (loaded.add("hosts' MCP server configs"), original()));
vi.mock("execa", async (original) => (loaded.add("execa"), original()));

describe("start-up", () => {
  it("answers initialize and tools/list without the drivers, the definition parser, the pool, the sub-agents' endpoint, the hosts' MCP server configs or execa; each loads on the first call that needs it", async () => {
    const [{ createServer }, { loadConfig }] = await Promise.all([import("../src/index.js"), import("@subagent-mcp/config")]);
    const home = mkdtempSync(join(tmpdir(), "startup-"));
    const env = { HOME: home, XDG_STATE_HOME: join(home, "state") };
    const config = loadConfig({ cwd: home, env });
    const { server, close } = createServer(
      grouped({
        // As the CLI composes it: the runtime half of the package comes in on first use.
        supervisor: async () => (await import("../src/runtime.js")).createSupervisor(config),
        definitions: async () => (await import("@subagent-mcp/agents/pool")).agentDefinitionSource({ cwd: home, home, env })(),
        version: "test",
        defaultCwd: home,
        messaging: { mail: asyncStore(new Maildir(join(home, "mail"))), self: "boss" },
        childMessaging: true,
      }),
    );
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    const client = new Client({ name: "test", version: "1" });
    await client.connect(a);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("launch_agent");
    expect([...loaded]).toEqual([]);

    await client.callTool({ name: "list_agents", arguments: {} });
    expect(loaded).toContain("drivers");
    await client.callTool({ name: "list_pool", arguments: {} });
    expect(loaded).toContain("pool");
    expect(loaded).toContain("agents");
    await close();
  });
});
