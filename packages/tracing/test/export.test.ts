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
    // A span started inside `within`, after an await, is the call's child.
    await t.within(call, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      expect(t.context()).toBe(call.traceparent);
      const life = t.start("invoke_agent claude", { attributes: { "subagent_mcp.turns": 2, ok: true } });
      life.event("stalled", { note: "quiet" });
      life.fail("it errored");
      life.end();
    });
    call.end();
    call.end(); // a second end changes nothing
    await t.shutdown();
    const spans = await r.waitFor((s) => s.length >= 2);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const launch = byName.launch_agent;
    const life = byName["invoke_agent claude"];
    expect(launch?.traceId).toBe(PARENT_TRACE);
    expect(launch?.parentSpanId).toBe(PARENT_SPAN);
    expect(launch?.attributes).toEqual({ "gen_ai.tool.name": "launch_agent" });
    expect(life?.traceId).toBe(PARENT_TRACE);
    expect(life?.parentSpanId).toBe(launch?.spanId);
    expect(life?.attributes).toEqual({ "subagent_mcp.turns": 2, ok: true });
    expect(life?.status).toBe(2);
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

describe("tracing off", () => {
  it("is OFF without an endpoint, and for a protocol we do not speak (said on stderr)", async () => {
    withEnv({});
    expect(await startTracing({ version: "0" })).toBe(OFF);
    withEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
    expect(await startTracing({ version: "0" })).toBe(OFF);
    const span = OFF.start("x");
    expect(OFF.within(span, () => 7)).toBe(7);
    expect(OFF.context()).toBeUndefined();
  });
});
