import { join } from "node:path";
import { baseEnvironment, writeConfig, type CliEnvironment } from "./loopback.js";

/**
 * Gemini CLI: GOOGLE_GEMINI_BASE_URL on the fake, API-key auth, a trusted workspace, and a
 * settings.json that turns telemetry, usage statistics, auto-update, update notices, IDE
 * integration and the extension registry off. Checked with `strace -f -e trace=connect` on 0.61.0:
 * a headless turn with a shell tool call then connects to 127.0.0.1 only (no DNS lookup either).
 */
export async function geminiEnvironment(base: URL): Promise<CliEnvironment> {
  const env = await baseEnvironment("gemini");
  const settings = {
    security: { auth: { selectedType: "gemini-api-key" } },
    telemetry: { enabled: false },
    privacy: { usageStatisticsEnabled: false },
    // 0.61.0 names: the older disableAutoUpdate/disableUpdateNag are migrated (rewriting the file).
    // maxAttempts 1: a scripted 429/5xx from the fake fails at once instead of backing off for minutes.
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false, maxAttempts: 1 },
    ide: { enabled: false },
    experimental: { extensionRegistry: false },
  };
  await writeConfig(join(env.home, ".gemini", "settings.json"), `${JSON.stringify(settings, null, 2)}\n`);
  Object.assign(env.env, {
    GOOGLE_GEMINI_BASE_URL: base.origin,
    GEMINI_API_KEY: "test",
    GEMINI_CLI_TRUST_WORKSPACE: "true",
    GEMINI_CLI_NO_RELAUNCH: "true",
  });
  return { cli: "gemini", ...env };
}
