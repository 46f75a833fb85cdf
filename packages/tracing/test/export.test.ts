import { startOtlpReceiver, type OtlpReceiver } from "@subagent-mcp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { OFF, startTracing, tracer, useTracer } from "../src/index.js";

// The tracer against an OTLP/HTTP receiver on 127.0.0.1, in both encodings.
const PARENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const PARENT_SPAN = "b7ad6b7169203331";

let receiver: OtlpReceiver | undefined;
const saved = { ...process.env };
afterEach(async () => {
  const t = tracer();
  useTracer(OFF);
  process.env = { ...saved };
  await t.shutdown().catch(() => undefined);
  await receiver?.close();
  receiver = undefined;
});

// startTracing reads this process's environment, as the SDK does.
function withEnv(env: Record<string, string>): void {
  process.env = { ...saved, ...env };
}

describe.each(["http/json", "http/protobuf"])("traces over %s", (protocol) => {
  it("exports nested spans under the parent passed down, with the service and resource the environment names", async () => {
    const r = (receiver = await startOtlpReceiver());
    withEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_SERVICE_NAME: "orchestrator-test",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test,team=tools",
      SUBAGENT_MCP_TRACEPARENT: `00-${PARENT_TRACE}-${PARENT_SPAN}-01`,
    });
    const t = await startTracing({ version: "1.2.3" });
    expect(t.on).toBe(true);
    expect(tracer()).toBe(t);
    const call = t.start("launch_agent", { kind: "server", attributes: { "gen_ai.tool.name": "launch_agent", skipped: undefined } });
    // A child by its handle, and one by the call's traceparent (as a request carries it).
    const life = t.start("invoke_agent claude", { parent: call, attributes: { "subagent_mcp.turns": 2, ok: true } });
    life.event("stalled", { note: "quiet" });
    life.fail("it errored");
    life.end();
    t.start("worktree_setup", { parent: call.traceparent }).end();
    call.end();
    call.end(); // a second end changes nothing
    await t.shutdown();
    const spans = await r.waitFor((s) => s.length >= 3);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const launch = byName.launch_agent;
    const lifeSpan = byName["invoke_agent claude"];
    expect(launch?.traceId).toBe(PARENT_TRACE);
    expect(launch?.parentSpanId).toBe(PARENT_SPAN);
    expect(launch?.attributes).toEqual({ "gen_ai.tool.name": "launch_agent" });
    expect(lifeSpan?.traceId).toBe(PARENT_TRACE);
    expect(lifeSpan?.parentSpanId).toBe(launch?.spanId);
    expect(lifeSpan?.attributes).toEqual({ "subagent_mcp.turns": 2, ok: true });
    expect(lifeSpan?.status).toBe(2);
    expect(lifeSpan?.statusMessage).toBe("it errored");
    expect(byName.worktree_setup?.parentSpanId).toBe(launch?.spanId);
    expect(launch?.resource).toMatchObject({
      "service.name": "orchestrator-test",
      "service.version": "1.2.3",
      "deployment.environment": "test",
      team: "tools",
    });
    expect(call.traceparent).toBe(`00-${PARENT_TRACE}-${launch?.spanId ?? ""}-01`);
    expect(r.requests.every((q) => q.path === "/v1/traces" && q.contentType.includes(protocol === "http/json" ? "json" : "protobuf"))).toBe(true);
  });
});

describe("a server under a sub-agent", () => {
  it("sends each span as it ends, whatever OTEL_BSP_SCHEDULE_DELAY says: a kill of its agent's tree leaves it no time later", async () => {
    const r = (receiver = await startOtlpReceiver());
    withEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "600000",
      SUBAGENT_MCP_TRACEPARENT: `00-${PARENT_TRACE}-${PARENT_SPAN}-01`,
    });
    const t = await startTracing({ version: "1" });
    t.start("list_agents", { kind: "server" }).end();
    // Neither flushed nor shut down: it arrives by itself.
    const spans = await r.waitFor((s) => s.some((x) => x.name === "list_agents"));
    expect(spans.find((x) => x.name === "list_agents")?.parentSpanId).toBe(PARENT_SPAN);
  });

  it("a top-level server batches, and flush sends what has ended and goes on tracing", async () => {
    const r = (receiver = await startOtlpReceiver());
    withEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: r.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_BSP_SCHEDULE_DELAY: "600000" });
    const t = await startTracing({ version: "1" });
    t.start("first").end();
    await t.flush();
    expect((await r.waitFor((s) => s.length >= 1)).map((x) => x.name)).toEqual(["first"]);
    t.start("second").end();
    await t.flush();
    expect((await r.waitFor((s) => s.length >= 2)).map((x) => x.name)).toEqual(["first", "second"]);
  });
});

describe("tracing off", () => {
  it("is OFF without an endpoint, and for a protocol we do not speak (said on stderr)", async () => {
    withEnv({});
    expect(await startTracing({ version: "0" })).toBe(OFF);
    withEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
    expect(await startTracing({ version: "0" })).toBe(OFF);
    const span = OFF.start("x");
    span.end();
    expect(span.traceparent).toBe("");
  });
});
