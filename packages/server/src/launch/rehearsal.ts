import { Supervisor } from "@subagent-mcp/core";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** Three launches each: enough for the launch path's functions to pass V8's 8 calls without feedback. */
const REHEARSED_BURSTS = 3;

/**
 * A host's first tool calls run code that nothing has run yet: the SDK's tools/call path, the zod
 * validation of our arguments and results, the supervisor's admission and records, our answer
 * building. V8 compiles each function on its first call, which made a fresh server's first burst
 * of launches ~8 ms slower than the next one. So `warm()` makes calls on a throwaway server of ours,
 * over an in-memory pair: `list_agents` and `wait`, bursts of `launch_agent` that succeed on a
 * stand-in supervisor (see standIn), and `poll_agent` of one of them: nothing is journaled, started
 * or told to anyone. The launches go to each of `providers` in turn: a launch reads its CLI's config
 * files (does it start our server?), which a host's first burst then finds parsed and kept.
 */
export async function rehearse(server: McpServer, providers: readonly string[]): Promise<void> {
  const [ours, theirs] = InMemoryTransport.createLinkedPair();
  const waiting = new Map<number, (message: JSONRPCMessage) => void>();
  ours.onmessage = (message: JSONRPCMessage) => {
    if ("id" in message && typeof message.id === "number") waiting.get(message.id)?.(message);
  };
  const ask = (id: number, method: string, params: Record<string, unknown>): Promise<JSONRPCMessage> =>
    new Promise((resolve) => {
      waiting.set(id, resolve);
      void ours.send({ jsonrpc: "2.0", id, method, params });
    });
  let launched: JSONRPCMessage[] = [];
  await server.connect(theirs);
  await ours.start();
  try {
    await ask(1, "initialize", { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "rehearsal", version: "1" } });
    await ours.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    await ask(2, "tools/call", { name: "list_agents", arguments: {} });
    await ask(3, "tools/call", { name: "wait", arguments: { agent_ids: [] } });
    // Bursts of three, as a host fans out. V8 gives a function its inline caches (its feedback)
    // only from its 8th call on: until then each property read is a slow generic lookup, so the
    // launch path is run that often here, and the host's calls find it ready (the nth to the nth provider).
    const launch = (n: number) => ({ name: "launch_agent", arguments: { prompt: "rehearsal", provider: providers[n % providers.length] } });
    for (let burst = 0; burst < REHEARSED_BURSTS; burst += 1) {
      const nths = [0, 1, 2].map((k) => burst * 3 + k);
      launched = await Promise.all(nths.map((n) => ask(4 + n, "tools/call", launch(n))));
    }
    const agent = (launched[0] as { result?: { structuredContent?: { agent_id?: string } } } | undefined)?.result?.structuredContent?.agent_id;
    if (agent !== undefined) await ask(100, "tools/call", { name: "poll_agent", arguments: { agent_id: agent } });
  } finally {
    await server.close();
  }
}

/**
 * A supervisor with `real`'s drivers, prices and rate limits whose agents never start (its `schedule` drops
 * them) and whose changes nobody follows: the rehearsal's launch runs the whole admission on it.
 * Shut it down after the rehearsal.
 */
export function standIn(real: Supervisor): Supervisor {
  const { drivers, costOf, rateLimits } = real.options;
  return new Supervisor({
    drivers,
    ...definedFields({ costOf, rateLimits }),
    schedule: () => undefined,
  });
}
