import { createServer, type Server, type Socket } from "node:net";
import { descendants } from "@subagent-mcp/drivers";
import { processAlive } from "@subagent-mcp/state";
import { afterEach, expect, it } from "vitest";
import { endServer, startE2E, type E2E } from "./e2e.js";
import { until } from "./past-e2e.js";

// A collector that takes the connection and never answers must not keep the server from exiting
// when its host closes stdin: the flush of its spans is bounded, then it exits regardless. The
// exporter is told to wait far longer than this test's own timeout, which is the bound.
let e: E2E | undefined;
let collector: { server: Server; sockets: Socket[] } | undefined;
afterEach(async () => {
  await e?.close();
  for (const socket of collector?.sockets ?? []) socket.destroy();
  const server = collector?.server;
  if (server !== undefined)
    await new Promise((resolve) => {
      server.close(resolve);
    });
  e = collector = undefined;
});

// Resolves with the collector's address and a promise of its first connection (an export under way).
async function silentCollector(): Promise<{ url: string; connected: Promise<void> }> {
  const sockets: Socket[] = [];
  let connected: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (connected = resolve));
  const server = createServer((socket) => {
    sockets.push(socket);
    // Reads the request and never writes a byte back.
    socket.on("data", () => undefined);
    connected();
  });
  collector = { server, sockets };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { url: `http://127.0.0.1:${String(address.port)}`, connected: first };
}

it("exits on stdin close while its OTLP collector never answers, and leaves no agent process behind", { timeout: 60_000 }, async () => {
  const { url, connected } = await silentCollector();
  const s = (e = await startE2E({
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "200",
    // The exporter's and the batch processor's limits, longer than the test: without a bound of our own, the exit would wait for them.
    OTEL_EXPORTER_OTLP_TIMEOUT: "300000",
    OTEL_BSP_EXPORT_TIMEOUT: "300000",
  }));
  await s.call("launch_agent", { provider: "claude", prompt: "[[slow:60000]] a long one" });
  // The agent is at work (its CLI asked the model), and our spans are out and stuck at the collector.
  await s.fakes.claude.waitForRequest((r) => r.lastUserText.includes("a long one"), "the agent's turn", 60_000);
  await connected;
  const server = s.transport.pid as number;
  const tree = descendants(server);
  expect(tree.length).toBeGreaterThan(0);
  await endServer(s);
  expect(processAlive({ pid: server })).toBe(false);
  // Ended with the server: by its shutdown, or by its guardian a moment after it (a loaded machine may take a few ms to reap them).
  await until("the agent's process tree to be gone", () => !tree.some((pid) => processAlive({ pid })), 5_000);
});
