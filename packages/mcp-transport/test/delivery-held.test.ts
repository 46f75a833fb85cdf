import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { Delivery } from "../src/delivery.js";

function recordingTransport(): { transport: Transport; sent: JSONRPCMessage[] } {
  const sent: JSONRPCMessage[] = [];
  const transport: Transport = {
    start: () => Promise.resolve(),
    close: () => Promise.resolve(),
    send: (message) => {
      sent.push(message);
      return Promise.resolve();
    },
  };
  return { transport, sent };
}

describe("Delivery's hold", () => {
  it("sends an answer only once what it waits for is done, and notifications at once", async () => {
    const { transport, sent } = recordingTransport();
    let release = (): void => undefined;
    let pending: Promise<void> | undefined = new Promise<void>((done) => (release = done));
    const view = new Delivery(10_000, () => pending).wrap(transport);
    const answer = view.send({ jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "turn 2 done" }] } });
    await view.send({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 1, progress: 1 } });
    expect(sent.map((m) => ("method" in m ? m.method : m.id))).toEqual(["notifications/progress"]);
    release();
    pending = undefined;
    await answer;
    expect(sent.map((m) => ("method" in m ? m.method : m.id))).toEqual(["notifications/progress", 1]);
    // Nothing on its way: the next answer is not held.
    await view.send({ jsonrpc: "2.0", id: 2, result: { content: [] } });
    expect(sent).toHaveLength(3);
  });
});
