import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { baseEnvironment, writeConfig, type CliEnvironment } from "./loopback.js";

/** The model the fake answers as: provider `fake`, model `fake-model`, as OpenCode names it. */
export const OPENCODE_TEST_MODEL = "fake/fake-model";

// OpenCode's own plugin package, which it installs into each config directory at start (a stub
// naming it is enough for the prev release too).
const PLUGIN = { "@opencode-ai/plugin": "1.18.33" };

/**
 * OpenCode: a custom `@ai-sdk/openai-compatible` provider on the fake (Chat Completions under
 * `/v1`), the only provider enabled, with auto-update and sharing off. What else it fetches at
 * start is switched off here: the models.dev catalogue (OPENCODE_DISABLE_MODELS_FETCH; it keeps a
 * bundled copy), and the npm install of `@opencode-ai/plugin` into ~/.config/opencode, which no
 * variable turns off: that directory holds a package.json, lock and node_modules saying it is
 * installed, and npm's registry is a closed port of 127.0.0.1 (for a project's own `.opencode/`).
 * Its grep and glob tools download ripgrep from github.com when no `rg` is on PATH: a stub `rg`
 * where it looks next fails instead. Permissions are the driver's preset's (OPENCODE_PERMISSION).
 * Checked with `strace -f -e trace=connect` on 1.18.28 and 1.18.33: an ACP session with shell and write tool
 * calls, session/load and a title request connects to 127.0.0.1 only (the fake, and the HTTP
 * server OpenCode runs for itself on 127.0.0.1), with no DNS lookup.
 */
export async function opencodeEnvironment(base: URL): Promise<CliEnvironment> {
  const env = await baseEnvironment("opencode");
  const dir = join(env.home, ".config", "opencode");
  const config = {
    $schema: "https://opencode.ai/config.json",
    autoupdate: false,
    share: "disabled",
    model: OPENCODE_TEST_MODEL,
    small_model: OPENCODE_TEST_MODEL,
    enabled_providers: ["fake"],
    provider: {
      fake: {
        npm: "@ai-sdk/openai-compatible",
        name: "Fake",
        options: { baseURL: `${base.origin}/v1`, apiKey: "test" },
        models: { "fake-model": { name: "Fake Model", tool_call: true, limit: { context: 128_000, output: 4_096 } } },
      },
    },
  };
  await writeConfig(join(dir, "opencode.json"), `${JSON.stringify(config, null, 2)}\n`);
  await writeConfig(join(dir, "package.json"), `${JSON.stringify({ dependencies: PLUGIN })}\n`);
  await writeConfig(join(dir, "package-lock.json"), `${JSON.stringify({ lockfileVersion: 3, packages: { "": { dependencies: PLUGIN } } })}\n`);
  await mkdir(join(dir, "node_modules"), { recursive: true });
  const rg = join(env.home, ".cache", "opencode", "bin", "rg");
  await writeConfig(rg, "#!/bin/sh\necho 'rg: not installed (test environment)' >&2\nexit 2\n");
  await chmod(rg, 0o755);
  Object.assign(env.env, {
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_SHARE: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    // No scanning of ~/.claude and ~/.agents, no plugins of its own to load.
    OPENCODE_DISABLE_CLAUDE_CODE: "1",
    OPENCODE_DISABLE_EXTERNAL_SKILLS: "1",
    OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
    npm_config_registry: "http://127.0.0.1:9/",
  });
  return { cli: "opencode", ...env };
}
