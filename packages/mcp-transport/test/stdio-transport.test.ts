import { PassThrough } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { EnvelopeScanner } from "../src/json-envelope.js";
import { BoundedStdioServerTransport } from "../src/index.js";

/** Feeds `text` to a fresh scanner cut at every `step` bytes. */
function scan(text: string, step = 1): ReturnType<EnvelopeScanner["take"]> {
  const scanner = new EnvelopeScanner();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += step) scanner.push(bytes.subarray(i, i + step));
  return scanner.take();
}

describe("EnvelopeScanner", () => {
  it("finds the top-level id wherever it is, however the bytes are cut", () => {
    const params = JSON.stringify({ name: "send_to", arguments: { id: 99, message: 'a "quoted" {id: 7} ünïcödé \\', nested: [{ id: "no" }] } });
    for (const line of [
      `{"method":"tools/call","params":${params},"jsonrpc":"2.0","id":42}`,
      `{"jsonrpc":"2.0","id":"req-\\"7\\"","method":"tools/call","params":${params}}`,
      ` { "id" : -3 , "method" : "x" , "params" : ${params} } `,
    ]) {
      const expected = JSON.parse(line) as { id: string | number };
      for (const step of [1, 2, 3, 7, 64]) expect(scan(line, step)).toEqual({ id: expected.id, method: true });
    }
  });

  it("tells a notification and a response from a request, and reads nothing out of non-objects", () => {
    expect(scan(`{"jsonrpc":"2.0","method":"notifications/x","params":{"id":1}}`)).toEqual({ method: true });
    expect(scan(`{"jsonrpc":"2.0","id":5,"result":{"method":"no"}}`)).toEqual({ id: 5, method: false });
    expect(scan(`[{"jsonrpc":"2.0","id":5,"method":"x"}]`)).toEqual({ method: false });
    expect(scan(`{"id":{"a":1},"method":"x"}`)).toEqual({ method: true });
    // One scanner serves line after line.
    const scanner = new EnvelopeScanner();
    scanner.push(Buffer.from(`{"id":1,"method":"a"}`));
    expect(scanner.take()).toEqual({ id: 1, method: true });
    scanner.push(Buffer.from(`{"method":"b"}`));
    expect(scanner.take()).toEqual({ method: true });
  });
});

describe("BoundedStdioServerTransport", () => {
  it("refuses a line over the limit without buffering it, answers its id, and reads on", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const logged: string[] = [];
    const transport = new BoundedStdioServerTransport({ stdin, stdout, maxRequestBytes: 100_000, log: (l) => logged.push(l) });
    const received: JSONRPCMessage[] = [];
    const pinged = new Promise<void>((resolve) => {
      transport.onmessage = (m) => {
        received.push(m);
        resolve();
      };
    });
    let closed = false;
    transport.onclose = () => {
      closed = true;
    };
    await transport.start();
    const out: string[] = [];
    const answered = new Promise<void>((resolve) => {
      stdout.on("data", (chunk: Buffer) => {
        out.push(chunk.toString());
        if (out.join("").endsWith("\n")) resolve();
      });
    });

    const huge = `{"method":"tools/call","params":{"arguments":{"message":"${"x".repeat(1_000_000)}"}},"jsonrpc":"2.0","id":7}\n`;
    for (let i = 0; i < huge.length; i += 65_536) stdin.write(huge.slice(i, i + 65_536));
    stdin.write(`{"jsonrpc":"2.0","method":"notifications/big","params":{"x":"${"y".repeat(200_000)}"}}\n`);
    stdin.write(`{"jsonrpc":"2.0","id":8,"method":"ping"}\n`);
    await Promise.all([pinged, answered]);

    expect(received).toEqual([{ jsonrpc: "2.0", id: 8, method: "ping" }]);
    expect(JSON.parse(out.join(""))).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: {
        code: -32600,
        message: expect.stringMatching(/^request of 1000\d+ bytes refused: the limit is 100000 bytes \(SUBAGENT_MCP_MAX_REQUEST_BYTES\)/) as unknown,
      },
    });
    expect(logged).toEqual([
      expect.stringMatching(/request of \d+ bytes refused.*\(id 7\)$/),
      expect.stringMatching(/^subagent-mcp: notification of \d+ bytes refused/),
    ]);
    expect(closed).toBe(false);
    await transport.close();
  });
});
