import { describe, expect, it } from "vitest";
import { inheritedParent, otelSettings, protocolOf, restoreOtelEnv, tracingWanted } from "../src/index.js";

const PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("the OTEL_* environment", () => {
  it("asks for traces only with an OTLP endpoint, and not when switched off", () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_SERVICE_NAME: "x", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: " " })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_TRACES_EXPORTER: "none" })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_TRACES_EXPORTER: "console,otlp" })).toBe(true);
  });

  it("speaks http/protobuf by default and http/json when asked; grpc is named as unsupported", () => {
    expect(protocolOf({})).toBe("http/protobuf");
    expect(protocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })).toBe("http/json");
    expect(protocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" })).toBe("http/protobuf");
    expect(protocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toEqual({ unsupported: "grpc" });
  });

  it("continues the trace its launcher passed down, else a standard TRACEPARENT; a malformed one is ignored", () => {
    expect(inheritedParent({ SUBAGENT_MCP_TRACEPARENT: PARENT, TRACEPARENT: "junk" })).toBe(PARENT);
    expect(inheritedParent({ TRACEPARENT: PARENT })).toBe(PARENT);
    expect(inheritedParent({ TRACEPARENT: "00-00000000000000000000000000000000-b7ad6b7169203331-01" })).toBeUndefined();
    expect(inheritedParent({ SUBAGENT_MCP_TRACEPARENT: "nope" })).toBeUndefined();
  });

  it("passes its OTEL_* settings down through a CLI that drops them, and they win below", () => {
    const passed = otelSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SERVICE_NAME: "orch", PATH: "/bin" });
    expect(JSON.parse(passed)).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SERVICE_NAME: "orch" });
    const below: Record<string, string | undefined> = { SUBAGENT_MCP_OTEL_ENV: passed, OTEL_SERVICE_NAME: "claude-code", HOME: "/h" };
    restoreOtelEnv(below);
    expect(below).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SERVICE_NAME: "orch", HOME: "/h" });
    const junk: Record<string, string | undefined> = { SUBAGENT_MCP_OTEL_ENV: "{not json", PATH: "/bin" };
    restoreOtelEnv(junk);
    expect(junk).toEqual({ SUBAGENT_MCP_OTEL_ENV: "{not json", PATH: "/bin" });
    const sneaky: Record<string, string | undefined> = { SUBAGENT_MCP_OTEL_ENV: JSON.stringify({ PATH: "/evil", OTEL_X: "1" }) };
    restoreOtelEnv(sneaky);
    expect(sneaky).toEqual({ SUBAGENT_MCP_OTEL_ENV: sneaky.SUBAGENT_MCP_OTEL_ENV, OTEL_X: "1" });
  });
});
