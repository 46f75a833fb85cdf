import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { Supervisor, type AgentEvent, type Driver, type Session } from "@subagent-mcp/core";
import { readPending, type Pending } from "@subagent-mcp/hooks";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServer } from "../src/index.js";

/** A codex session that only says what the test tells it to. */
function scriptedDriver(emitters: ((event: AgentEvent) => void)[]): Driver {
  return {
    provider: "codex",
    start: (_spec, onEvent): Session => {
      emitters.push(onEvent);
      const none = () => Promise.resolve();
      return { pid: undefined, send: () => undefined, interrupt: none, reset: none, close: none, kill: none };
    },
  };
}

const isAnswer = (m: JSONRPCMessage): boolean => "id" in m && !("method" in m);

describe("the pending file beside the answers", () => {
  it("hands an answer to the transport before writing the file, which is written by the time the answer arrives; an event's change still is", async () => {
    const emitters: ((event: AgentEvent) => void)[] = [];
    const state = mkdtempSync(join(tmpdir(), "pending-state-"));
    const cwd = mkdtempSync(join(tmpdir(), "pending-cwd-"));
    const supervisor = new Supervisor({ drivers: { codex: scriptedDriver(emitters) } });
    const { server, close } = createServer(grouped({ supervisor, version: "test", defaultCwd: cwd, pending: { stateDir: state, cwd, session: "a1" } }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    // What the file said at the moment each answer was handed to the transport.
    const atSend: (Pending | undefined)[] = [];
    const send = serverSide.send.bind(serverSide);
    serverSide.send = (message, options) => {
      if (isAnswer(message)) atSend.push(readPending(state, cwd, "a1"));
      return send(message, options);
    };
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1" });
    await client.connect(clientSide);
    try {
      atSend.length = 0;
      const launched = await client.callTool({ name: "launch_agent", arguments: { provider: "codex", prompt: "go" } });
      const id = (launched.structuredContent as { agent_id: string }).agent_id;
      // Not yet written when the answer went out; written by the time it arrived.
      expect(atSend).toEqual([undefined]);
      expect(readPending(state, cwd, "a1")?.running.map((r) => r.agent_id)).toEqual([id]);
      // The turn ends: published on the next turn of the event loop, whatever read-only call comes meanwhile.
      const emit = emitters[0] as (event: AgentEvent) => void;
      emit({ type: "turn_end", result: "done", isError: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, durationMs: 1 });
      await client.callTool({ name: "list_agents", arguments: {} });
      await new Promise((resolve) => setImmediate(resolve));
      expect(readPending(state, cwd, "a1")?.unread).toEqual([id]);
    } finally {
      await close();
      await client.close();
      await supervisor.shutdown();
    }
  });
});
