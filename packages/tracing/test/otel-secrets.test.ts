import { describe, expect, it } from "vitest";
import { launchEnvWithoutOtelSecrets, otelSettings, withoutOtelSecrets, withoutUrlCredentials } from "../src/index.js";

describe("OTEL_* settings that leave this machine", () => {
  it("lose the exporters' headers and the credentials in their endpoints' URLs, and keep the rest", () => {
    const settings = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://user:hunter2@collector.example:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer sekrit",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-api-key=sekrit",
      OTEL_SERVICE_NAME: "orch",
    };
    const out = withoutOtelSecrets(settings);
    expect(out).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example:4318/",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces",
      OTEL_SERVICE_NAME: "orch",
    });
    expect(JSON.stringify(out)).not.toMatch(/sekrit|hunter2/);
    expect(withoutUrlCredentials("not a url with @ in it")).toBeUndefined();
  });

  it("are taken out of a launch's environment and of the settings it passes down", () => {
    const passed = otelSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://u:hunter2@127.0.0.1:4318", OTEL_EXPORTER_OTLP_HEADERS: "k=sekrit", PATH: "/bin" });
    const env = launchEnvWithoutOtelSecrets({ SUBAGENT_MCP_OTEL_ENV: passed, OTEL_EXPORTER_OTLP_LOGS_HEADERS: "k=sekrit", SUBAGENT_MCP_DEPTH: "1" });
    expect(JSON.stringify(env)).not.toMatch(/sekrit|hunter2/);
    expect(env.SUBAGENT_MCP_DEPTH).toBe("1");
    expect(JSON.parse(env.SUBAGENT_MCP_OTEL_ENV ?? "{}")).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318/" });
    expect(launchEnvWithoutOtelSecrets({ SUBAGENT_MCP_OTEL_ENV: "{not json k=sekrit" })).toEqual({});
  });
});
