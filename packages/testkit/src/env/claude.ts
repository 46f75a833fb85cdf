import { join } from "node:path";
import { baseEnvironment, writeConfig, type CliEnvironment } from "./loopback.js";

/**
 * Claude Code: ANTHROPIC_BASE_URL on the fake, a dummy key, non-essential traffic, telemetry,
 * error reporting and updates off. Checked with `strace -f -e trace=connect` on 2.1.330: a headless
 * turn then connects to 127.0.0.1 only (no DNS lookup, no other host).
 */
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
    // The interactive CLI otherwise fetches the official plugin marketplace at start (a GCS download,
    // then a git clone from GitHub): plugin sync off.
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: "1",
  });
  // No CLAUDE_CONFIG_DIR on purpose: with it set, the global config moves from ~/.claude.json to
  // $CLAUDE_CONFIG_DIR/.claude.json, and tests of what `setup` writes must see a user's real layout.
  // Onboarding is marked done so an interactive start never stops on the first-run screens.
  await writeConfig(join(env.home, ".claude.json"), `${JSON.stringify({ hasCompletedOnboarding: true }, null, 2)}\n`);
  await writeConfig(join(env.home, ".claude", "settings.json"), `${JSON.stringify({ autoUpdates: false, includeCoAuthoredBy: false }, null, 2)}\n`);
  return { cli: "claude", ...env };
}
