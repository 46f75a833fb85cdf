import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Supervisor, type Driver } from "@subagent-mcp/core";
import { listAgents } from "@subagent-mcp/journal";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServer } from "../src/index.js";
import { scripted } from "./control-rig.js";

describe("warm()'s rehearsal", () => {
  it("leaves no agent, no journal entry, no CLI start and no change event, and the host's server answers as before", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "rehearsal-state-"));
    const cwd = mkdtempSync(join(tmpdir(), "rehearsal-cwd-"));
    const { driver } = scripted();
    let starts = 0;
    const counting: Driver = {
      ...driver,
      start: (spec, onEvent) => {
        starts += 1;
        return driver.start(spec, onEvent);
      },
    };
    let supervisor: Supervisor | undefined;
    const changes: string[] = [];
    const { server, warm, close } = createServer(
      grouped({
        supervisor: (extra) => {
          supervisor = new Supervisor({ ...extra, drivers: { claude: counting } });
          supervisor.onChange((change) => changes.push(change.type));
          return Promise.resolve(supervisor);
        },
        version: "9.9.9",
        defaultCwd: cwd,
        journal: { dir: join(stateDir, "agents") },
      }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "host", version: "1" });
    await client.connect(clientSide);
    try {
      await warm();
      expect(supervisor?.list()).toEqual([]);
      expect(starts).toBe(0);
      expect(changes).toEqual([]);
      // Only the folders claimed ahead, none holding a journal: nothing to list as a past agent.
      expect(readdirSync(join(stateDir, "agents")).length).toBeLessThanOrEqual(3);
      expect(listAgents(join(stateDir, "agents"))).toEqual([]);
      const listed = await client.callTool({ name: "list_agents", arguments: {} });
      expect(listed.isError).not.toBe(true);
      expect((listed.structuredContent as { agents: unknown[] }).agents).toEqual([]);
    } finally {
      await client.close();
      await close();
    }
    expect(readdirSync(join(stateDir, "agents"))).toEqual([]);
  });
});
