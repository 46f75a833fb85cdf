import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HostContext } from "../src/host.js";
import { describePlugin, type PluginInstall } from "../src/plugin-record.js";
import { pluginInstall, type Host } from "../src/registry.js";
import { thrown } from "./thrown.js";

// Fixture homes holding the files each host's own plugin command writes (as the pinned CLIs write them).

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "host-plugin-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

const put = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};
/** The install found (fails the test when there is none). */
function found(host: Host, context: HostContext): PluginInstall {
  const plugin = pluginInstall(host, context);
  if (plugin === undefined) throw new Error(`no plugin install found for ${host}`);
  return plugin;
}
const ctx = (env: Record<string, string> = {}) => ({ home, env });
const claudeRecord = (scope = "user") =>
  JSON.stringify({
    version: 2,
    plugins: {
      "other@mkt": "anything",
      "subagent-mcp@subagent-mcp": [{ scope, installPath: "/x", version: "0.1.0", installedAt: "2026-01-01T00:00:00.000Z" }],
    },
  });

describe("pluginInstall", () => {
  it("finds none in an empty home, and never for OpenCode or Claude Desktop", () => {
    for (const host of ["claude", "codex", "gemini", "qwen", "opencode", "claude-desktop"] as const) expect(pluginInstall(host, ctx())).toBeUndefined();
  });

  it("reads Claude Code's installed_plugins.json and settings.json enabledPlugins (false: disabled)", () => {
    const path = join(home, ".claude", "plugins", "installed_plugins.json");
    put(path, claudeRecord());
    const plugin = pluginInstall("claude", ctx());
    expect(plugin).toEqual({
      id: "subagent-mcp@subagent-mcp",
      version: "0.1.0",
      path,
      enabled: true,
      remove: "claude plugin uninstall subagent-mcp@subagent-mcp",
    });
    expect(describePlugin(found("claude", ctx()))).toBe("plugin subagent-mcp@subagent-mcp 0.1.0");
    put(join(home, ".claude", "settings.json"), '{ "enabledPlugins": { "subagent-mcp@subagent-mcp": false } }');
    expect(pluginInstall("claude", ctx())?.enabled).toBe(false);
    expect(describePlugin(found("claude", ctx()))).toBe("plugin subagent-mcp@subagent-mcp 0.1.0 (disabled)");
  });

  it("follows $CLAUDE_CONFIG_DIR, and a project-scope install is not a user-wide one", () => {
    const dir = join(home, "cfg");
    put(join(dir, "plugins", "installed_plugins.json"), claudeRecord());
    expect(pluginInstall("claude", ctx())).toBeUndefined();
    expect(pluginInstall("claude", ctx({ CLAUDE_CONFIG_DIR: dir }))?.path).toBe(join(dir, "plugins", "installed_plugins.json"));
    put(join(dir, "plugins", "installed_plugins.json"), claudeRecord("project"));
    expect(pluginInstall("claude", ctx({ CLAUDE_CONFIG_DIR: dir }))).toBeUndefined();
  });

  it('reads Codex\'s [plugins."subagent-mcp@<marketplace>"] table and its cached version folder', () => {
    const codexHome = join(home, "codex-home");
    const path = join(codexHome, "config.toml");
    put(path, 'model = "x"\n\n[plugins."subagent-mcp@mkt"]\nenabled = true\n');
    mkdirSync(join(codexHome, "plugins", "cache", "mkt", "subagent-mcp", "0.1.0"), { recursive: true });
    mkdirSync(join(codexHome, "plugins", "cache", "mkt", "subagent-mcp", "0.10.0"), { recursive: true });
    expect(pluginInstall("codex", ctx({ CODEX_HOME: codexHome }))).toEqual({
      id: "subagent-mcp@mkt",
      version: "0.10.0",
      path,
      enabled: true,
      remove: "codex plugin remove subagent-mcp@mkt",
    });
    put(path, '[plugins."subagent-mcp@mkt"]\nenabled = false\n');
    expect(pluginInstall("codex", ctx({ CODEX_HOME: codexHome }))?.enabled).toBe(false);
    put(path, '[plugins."other@mkt"]\nenabled = true\n');
    expect(pluginInstall("codex", ctx({ CODEX_HOME: codexHome }))).toBeUndefined();
  });

  it("reads Gemini CLI's extension manifest, and a disable rule for the home in extension-enablement.json", () => {
    const dir = join(home, ".gemini", "extensions");
    const path = join(dir, "subagent-mcp", "gemini-extension.json");
    put(path, '{ "name": "subagent-mcp", "version": "0.1.0", "mcpServers": {} }');
    expect(pluginInstall("gemini", ctx())).toEqual({
      id: "subagent-mcp",
      version: "0.1.0",
      path,
      enabled: true,
      remove: "gemini extensions uninstall subagent-mcp",
    });
    expect(describePlugin(found("gemini", ctx()))).toBe("extension subagent-mcp 0.1.0");
    put(join(dir, "extension-enablement.json"), JSON.stringify({ "subagent-mcp": { overrides: [`!${home}/*`] } }));
    expect(pluginInstall("gemini", ctx())?.enabled).toBe(false);
    // The last matching rule wins; a rule for another folder does not apply to the home.
    put(join(dir, "extension-enablement.json"), JSON.stringify({ "subagent-mcp": { overrides: [`!${home}/*`, `${home}/*`, "!/elsewhere/*"] } }));
    expect(pluginInstall("gemini", ctx())?.enabled).toBe(true);
  });

  it("reads Qwen Code's extension in $QWEN_HOME", () => {
    const qwenHome = join(home, "q");
    const path = join(qwenHome, "extensions", "subagent-mcp", "qwen-extension.json");
    put(path, '{ "name": "subagent-mcp", "version": "0.2.0" }');
    expect(pluginInstall("qwen", ctx())).toBeUndefined();
    expect(pluginInstall("qwen", ctx({ QWEN_HOME: qwenHome }))).toEqual({
      id: "subagent-mcp",
      version: "0.2.0",
      path,
      enabled: true,
      remove: "qwen extensions uninstall subagent-mcp",
    });
  });

  it("a record that does not parse, or is not the host's shape, is an UNPARSEABLE error naming the file, never a guess", () => {
    const claude = join(home, ".claude", "plugins", "installed_plugins.json");
    put(claude, "{ not json");
    const error = thrown(() => pluginInstall("claude", ctx()));
    expect(error.code).toBe("UNPARSEABLE");
    expect(error.message).toContain(`${claude}:1:`);
    put(claude, '{ "plugins": [] }');
    expect(thrown(() => pluginInstall("claude", ctx())).message).toContain("not the shape this host writes");
    put(join(home, ".codex", "config.toml"), "[plugins\n");
    expect(thrown(() => pluginInstall("codex", ctx())).file).toBe(join(home, ".codex", "config.toml"));
    put(join(home, ".gemini", "extensions", "subagent-mcp", "gemini-extension.json"), '{ "version": 1 }');
    expect(thrown(() => pluginInstall("gemini", ctx())).code).toBe("UNPARSEABLE");
  });
});
