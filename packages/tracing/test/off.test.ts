import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// "Off" costs nothing: with no OTEL_* variable, importing the package and starting tracing
// resolves no OpenTelemetry module at all (a module hook in a fresh node reports every resolve).
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier.includes("@opentelemetry")) process.stderr.write("resolved " + specifier + "\\n");
  return next(specifier, context);
}`;

function run(env: Record<string, string>): { on: string; resolved: string[] } {
  const script = `
    import { register } from "node:module";
    register("data:text/javascript,${encodeURIComponent(hooks)}");
    const { startTracing } = await import(${JSON.stringify(dist)});
    const t = await startTracing({ version: "0" });
    process.stdout.write(String(t.on));
    await t.shutdown();`;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`node exited ${String(out.status)}: ${out.stderr}`);
  return { on: out.stdout, resolved: out.stderr.split("\n").filter((l) => l.startsWith("resolved ")) };
}

describe("with tracing off", () => {
  it("no OpenTelemetry module is loaded; with an endpoint set, the SDK and one exporter are", () => {
    expect(run({ OTEL_SERVICE_NAME: "x" })).toEqual({ on: "false", resolved: [] });
    const on = run({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" });
    expect(on.on).toBe("true");
    expect(on.resolved).toContain("resolved @opentelemetry/sdk-trace-base");
    expect(on.resolved).toContain("resolved @opentelemetry/exporter-trace-otlp-proto");
    expect(on.resolved).not.toContain("resolved @opentelemetry/exporter-trace-otlp-http");
  });
});
