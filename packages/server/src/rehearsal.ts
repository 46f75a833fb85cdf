import { join } from "node:path";
import { tmpdir } from "node:os";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * A host's first tool calls run code that nothing has run yet: the SDK's tools/call path, the zod
 * validation of our arguments and results, our answer building. V8 compiles each function on its
 * first call, which made a fresh server's first burst of launches ~7 ms slower than the next one.
 * So `warm()` makes two calls that change nothing on a throwaway server of ours, over an in-memory
 * pair: `list_agents`, and a `launch_agent` refused at its working folder (a folder that does not
 * exist), after its arguments, depth, grant and routing were checked and before anything is made.
 */
export async function rehearse(server: McpServer): Promise<void> {
  const [ours, theirs] = InMemoryTransport.createLinkedPair();
  const waiting = new Map<number, () => void>();
  ours.onmessage = (message: JSONRPCMessage) => {
    if ("id" in message && typeof message.id === "number") waiting.get(message.id)?.();
  };
  const ask = (id: number, method: string, params: Record<string, unknown>): Promise<void> =>
    new Promise((resolve) => {
      waiting.set(id, resolve);
      void ours.send({ jsonrpc: "2.0", id, method, params });
    });
  await server.connect(theirs);
  await ours.start();
  try {
    await ask(1, "initialize", { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "rehearsal", version: "1" } });
    await ours.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    await ask(2, "tools/call", { name: "list_agents", arguments: {} });
    const nowhere = join(tmpdir(), "subagent-mcp-rehearsal", "not-a-folder");
    await ask(3, "tools/call", { name: "launch_agent", arguments: { prompt: "rehearsal", provider: "claude", cwd: nowhere } });
  } finally {
    await server.close();
  }
}
