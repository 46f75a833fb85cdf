import { describe, expect, it } from "vitest";
import { claudeTraceEnv, codexTraceArgs, traceTarget } from "../src/process/otel-child.js";

const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("a CLI's own traces join the agent's", () => {
  it("go where ours go: the traces endpoint as given, else the base one with /v1/traces", () => {
    expect(traceTarget({})).toBeUndefined();
    expect(traceTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318/" })).toEqual({ url: "http://127.0.0.1:4318/v1/traces", json: false });
    expect(
      traceTarget({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:1",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:9/t",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      }),
    ).toEqual({ url: "http://127.0.0.1:9/t", json: true });
  });

  it("Claude Code: its telemetry and span beta on, TRACEPARENT given, metrics and logs off unless the user has them; nothing while tracing is off", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };
    expect(claudeTraceEnv(undefined, env)).toEqual({});
    expect(claudeTraceEnv(TP, {})).toEqual({});
    expect(claudeTraceEnv(TP, env)).toEqual({
      CLAUDE_CODE_ENABLE_TELEMETRY: "1",
      CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: "1",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_LOGS_EXPORTER: "none",
      TRACEPARENT: TP,
    });
    expect(claudeTraceEnv(TP, { ...env, OTEL_SERVICE_NAME: "mine", OTEL_METRICS_EXPORTER: "otlp" })).toMatchObject({
      OTEL_SERVICE_NAME: "claude-code",
      OTEL_METRICS_EXPORTER: "otlp",
    });
  });

  it("Codex: an [otel] trace exporter as -c overrides, in the encoding ours uses, and no headers on its command line", () => {
    expect(codexTraceArgs(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toEqual([]);
    const args = codexTraceArgs(TP, {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=secret",
    });
    expect(args).toEqual([
      "-c",
      'otel.trace_exporter={otlp-http={endpoint="http://127.0.0.1:4318/v1/traces",protocol="json"}}',
      "-c",
      'otel.exporter="none"',
      "-c",
      'otel.metrics_exporter="none"',
    ]);
    expect(args.join(" ")).not.toContain("secret");
    // A user:password in the endpoint stays off the command line too: no exporter there at all.
    expect(codexTraceArgs(TP, { OTEL_EXPORTER_OTLP_ENDPOINT: "https://u:secret@collector.example:4318" })).toEqual([]);
    expect(codexTraceArgs(TP, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://tok:@127.0.0.1:4318/v1/traces" })).toEqual([]);
  });
});
