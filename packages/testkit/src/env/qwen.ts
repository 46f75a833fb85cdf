import { join } from "node:path";
import { baseEnvironment, writeConfig, type CliEnvironment } from "./loopback.js";

/** The model the fake answers as; Qwen Code needs one named to start. */
export const QWEN_TEST_MODEL = "fake-qwen";

/**
 * Qwen Code: the OpenAI Responses API on the fake (`openai-responses` auth with OPENAI_BASE_URL,
 * OPENAI_API_KEY and OPENAI_MODEL, what its `--openai-*` flags set), and a settings.json that turns
 * telemetry, usage statistics, auto-update and its update notice off. Checked with
 * `strace -f -e trace=connect` on 0.24.4: an ACP session with a shell tool call connects to
 * 127.0.0.1 only.
 */
export async function qwenEnvironment(base: URL): Promise<CliEnvironment> {
  const env = await baseEnvironment("qwen");
  const settings = {
    security: { auth: { selectedType: "openai-responses" } },
    model: { name: QWEN_TEST_MODEL },
    telemetry: { enabled: false },
    privacy: { usageStatisticsEnabled: false },
    general: { enableAutoUpdate: false, disableAutoUpdate: true, disableUpdateNag: true },
    ide: { enabled: false },
  };
  await writeConfig(join(env.home, ".qwen", "settings.json"), `${JSON.stringify(settings, null, 2)}\n`);
  Object.assign(env.env, {
    OPENAI_BASE_URL: `${base.origin}/v1`,
    OPENAI_API_KEY: "test",
    OPENAI_MODEL: QWEN_TEST_MODEL,
    // It otherwise re-spawns itself with a larger heap at start.
    QWEN_CODE_NO_RELAUNCH: "true",
  });
  return { cli: "qwen", ...env };
}
