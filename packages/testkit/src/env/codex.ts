import { join } from "node:path";
import { codexSandboxOf, LEVEL } from "@subagent-mcp/contract";
import { baseEnvironment, writeConfig, type CliEnvironment } from "./loopback.js";

/** The variable that carries the fake provider's API key into Codex. */
const KEY_VAR = "FAKE_OPENAI_API_KEY";

// Plugins on, for a test of installing one: the remote catalog, sharing and recommendations off.
const PLUGINS_ON = [`plugins = true`, `remote_plugin = false`, `plugin_sharing = false`, `recommended_plugins = false`];

// With plugins on, Codex 0.169 syncs OpenAI's curated plugin repository at start (git ls-remote of
// github.com, then api.github.com), and no setting turns that off. Every request that is not to
// loopback goes to this proxy instead: a closed port on 127.0.0.1, so nothing is even looked up
// (checked with strace: no DNS query, connections to 127.0.0.1 only). The CLIs our server starts
// under such a Codex get the same variables.
const DEAD_PROXY: Record<string, string> = {
  ...Object.fromEntries(["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy"].map((name) => [name, "http://127.0.0.1:9"])),
  ...Object.fromEntries(["NO_PROXY", "no_proxy"].map((name) => [name, "127.0.0.1,localhost"])),
};

/**
 * Codex: a fresh CODEX_HOME whose config.toml sets a custom provider on the fake, and turns
 * plugin sync and analytics off (without `plugins = false` Codex contacts remote hosts at start).
 * No retries, so a scripted error fails the turn at once. Checked with `strace -f -e trace=connect`
 * on 0.169.0: `codex exec` (text, shell, apply_patch, stdio MCP turns) and `codex features list`
 * connect to 127.0.0.1 only, one connection per model request, with no DNS lookup.
 */
export async function codexEnvironment(base: URL, options: { plugins?: boolean } = {}): Promise<CliEnvironment> {
  const env = await baseEnvironment("codex");
  const codexHome = join(env.home, ".codex");
  const config = [
    `model = "gpt-5.5"`,
    `model_provider = "fake"`,
    `approval_policy = "never"`,
    `sandbox_mode = "${codexSandboxOf(LEVEL.bypassPermissions) ?? ""}"`,
    `check_for_update_on_startup = false`,
    ``,
    `[model_providers.fake]`,
    `name = "fake"`,
    `base_url = "${base.origin}/v1"`,
    `env_key = "${KEY_VAR}"`,
    `wire_api = "responses"`,
    `request_max_retries = 0`,
    `stream_max_retries = 0`,
    ``,
    `[features]`,
    ...(options.plugins === true ? PLUGINS_ON : [`plugins = false`]),
    ``,
    `[analytics]`,
    `enabled = false`,
    ``,
  ].join("\n");
  await writeConfig(join(codexHome, "config.toml"), config);
  Object.assign(env.env, { CODEX_HOME: codexHome, [KEY_VAR]: "test" }, options.plugins === true ? DEAD_PROXY : {});
  return { cli: "codex", ...env };
}
