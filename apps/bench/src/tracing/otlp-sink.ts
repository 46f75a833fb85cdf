// The testkit's OTLP/HTTP receiver on 127.0.0.1, in a process of its own: what it spends decoding
// spans is the collector's, and must not count as ours in the tracing bench. It prints its URL,
// then answers each line on stdin with the spans and requests it has received so far (JSON).
import { startOtlpReceiver } from "@subagent-mcp/testkit";
import { createInterface } from "node:readline";

const receiver = await startOtlpReceiver();
process.stdout.write(`${receiver.url}\n`);
const lines = createInterface({ input: process.stdin });
lines.on("line", () => {
  process.stdout.write(`${JSON.stringify({ spans: receiver.spans.length, requests: receiver.requests.length })}\n`);
});
lines.on("close", () => {
  void receiver.close().then(() => process.exit(0));
});
