import { OTEL_ENV } from "./env.js";

// What in the OTEL_* settings may hold credentials: the exporters' headers (an API key, a bearer
// token) and a user:password in an endpoint's URL. Settings that leave this machine (a launch on
// another one, its journal there) go without them: a node exports with its own OTEL_* settings.

const HEADERS = /^OTEL_EXPORTER_OTLP_(?:[A-Z]+_)?HEADERS$/;
const ENDPOINT = /^OTEL_EXPORTER_OTLP_(?:[A-Z]+_)?ENDPOINT$/;

/** `url` without a user:password part; a value that is not a URL is kept only when it has no "@". */
export function withoutUrlCredentials(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return url.includes("@") ? undefined : url;
  }
  if (parsed.username === "" && parsed.password === "") return url;
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

/** OTEL_* settings without the exporters' headers and without credentials in the endpoints' URLs. */
export function withoutOtelSecrets(settings: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (HEADERS.test(key)) continue;
    const kept = ENDPOINT.test(key) ? withoutUrlCredentials(value) : value;
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

/**
 * A launch's environment as it may leave this machine: the OTEL_* settings passed down in
 * {@link OTEL_ENV} and any OTEL_* variable of its own without their secrets (see {@link withoutOtelSecrets}).
 */
export function launchEnvWithoutOtelSecrets(env: Readonly<Record<string, string>>): Record<string, string> {
  const { [OTEL_ENV]: passed, ...rest } = withoutOtelSecrets(env);
  if (passed === undefined) return rest;
  let settings: unknown;
  try {
    settings = JSON.parse(passed);
  } catch {
    settings = undefined;
  }
  // Settings that do not read as such are not passed on at all.
  if (typeof settings !== "object" || settings === null) return rest;
  const strings = Object.fromEntries(Object.entries(settings).filter((e): e is [string, string] => typeof e[1] === "string"));
  return { ...rest, [OTEL_ENV]: JSON.stringify(withoutOtelSecrets(strings)) };
}
