import { join } from "node:path";
import { baseEnvironment, writeConfig, type CliEnvironment } from "./loopback.js";

/** Claude Code: ANTHROPIC_BASE_URL on the fake, a dummy key, non-essential traffic and updates off. */
export async function claudeEnvironment(base: URL): Promise<CliEnvironment> {
  const env = await baseEnvironment("claude");
  Object.assign(env.env, {
    ANTHROPIC_BASE_URL: base.origin,
    ANTHROPIC_API_KEY: "test",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_BUG_COMMAND: "1",
    CLAUDE_CODE_ENABLE_TELEMETRY: "0",
    CLAUDE_CONFIG_DIR: join(env.home, ".claude"),
  });
  // Pre-answered onboarding so the CLI never prompts or phones home about it.
  await writeConfig(
    join(env.home, ".claude", "settings.json"),
    `${JSON.stringify({ autoUpdates: false, includeCoAuthoredBy: false }, null, 2)}\n`,
  );
  return { cli: "claude", ...env };
}
