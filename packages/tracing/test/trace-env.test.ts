import { describe, expect, it } from "vitest";
import { otelSettings, withoutTraceEnv } from "../src/index.js";

describe("a launch's environment as it leaves this machine", () => {
  it("has no trace setting: neither the OTEL_* passed down (headers, a password in the endpoint) nor any of its own", () => {
    const passed = otelSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://u:hunter2@127.0.0.1:4318", OTEL_EXPORTER_OTLP_HEADERS: "k=sekrit" });
    const env = withoutTraceEnv({
      SUBAGENT_MCP_OTEL_ENV: passed,
      SUBAGENT_MCP_TRACEPARENT: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: "k=sekrit",
      SUBAGENT_MCP_DEPTH: "1",
    });
    expect(env).toEqual({ SUBAGENT_MCP_DEPTH: "1" });
  });
});
