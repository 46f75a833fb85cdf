import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * Times a client's requests on the wire: from the line going out to the answer coming in, before
 * the client handles it (the SDK client compiles a validator for every output schema tools/list
 * names, and runs one on each result: the client's time, not the server's). Call before connecting;
 * the function returned takes the times of the requests of one method answered since it was last
 * asked, in the order they were answered.
 */
export function wireTimer(transport: StdioClientTransport): (method: string) => number[] {
  const sent = new Map<string | number, { method: string; at: number }>();
  const done: { method: string; ms: number }[] = [];
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    if ("method" in message && "id" in message) sent.set(message.id, { method: message.method, at: performance.now() });
    await send(message);
  };
  const wrap = (): void => {
    const handle = transport.onmessage;
    transport.onmessage = (message: JSONRPCMessage) => {
      const request = "id" in message && message.id !== undefined && !("method" in message) ? sent.get(message.id) : undefined;
      if (request !== undefined) done.push({ method: request.method, ms: performance.now() - request.at });
      handle?.(message);
    };
  };
  // The client sets onmessage in connect(); its start() comes after.
  const start = transport.start.bind(transport);
  transport.start = async () => {
    wrap();
    await start();
  };
  return (method) =>
    done
      .splice(0)
      .filter((d) => d.method === method)
      .map((d) => d.ms);
}
