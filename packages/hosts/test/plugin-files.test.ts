import { ENV_SETTINGS } from "@subagent-mcp/contract";
import { MAILBOX_ENV } from "@subagent-mcp/mailbox/config";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { EXTENSION_DIR, hostAdapter, PLUGIN_DIR, pluginFiles } from "../src/index.js";

const files = Object.fromEntries(
  pluginFiles({ version: "1.2.3", description: "d", keywords: ["mcp"] }).map((f) => [f.path, JSON.parse(f.content) as Record<string, unknown>]),
);

describe("the generated plugin manifests", () => {
  it("carry the release's version everywhere and point the marketplace at the plugin folder", () => {
    expect(files[".claude-plugin/marketplace.json"]).toMatchObject({
      name: "subagent-mcp",
      plugins: [{ name: "subagent-mcp", source: `./${PLUGIN_DIR}`, version: "1.2.3" }],
    });
    for (const path of [
      `${PLUGIN_DIR}/.claude-plugin/plugin.json`,
      `${PLUGIN_DIR}/.codex-plugin/plugin.json`,
      `${EXTENSION_DIR}/gemini-extension.json`,
      `${EXTENSION_DIR}/qwen-extension.json`,
    ])
      expect(files[path], path).toMatchObject({ name: "subagent-mcp", version: "1.2.3" });
  });

  it("start the server from the plugin's own copy, the way each host resolves a path", () => {
    const server = (path: string) => (files[path]?.mcpServers as Record<string, { command: string; args: string[]; cwd?: string }>)["subagent-mcp"];
    expect(server(`${PLUGIN_DIR}/.claude-plugin/plugin.json`)?.args.at(-1)).toBe("${CLAUDE_PLUGIN_ROOT}/server/dist/main.js");
    // Codex expands no variable there: a cwd of "." is the plugin's folder, and the path is relative to it.
    expect(server(`${PLUGIN_DIR}/.codex-plugin/plugin.json`)).toMatchObject({ cwd: ".", args: ["--max-semi-space-size=1", "server/dist/main.js"] });
    expect(server(`${EXTENSION_DIR}/gemini-extension.json`)?.args.at(-1)).toBe("${extensionPath}${/}server${/}dist${/}main.js");
  });

  it("forward to a Codex-started server what the agent CLIs log in and find their configs with", () => {
    const codex = (files[`${PLUGIN_DIR}/.codex-plugin/plugin.json`]?.mcpServers as Record<string, { env_vars: string[] }>)["subagent-mcp"];
    expect(codex?.env_vars).toEqual(
      expect.arrayContaining(["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "CODEX_HOME", "SUBAGENT_MCP_CLAUDE_PATH", "HTTPS_PROXY"]),
    );
    // Every mailbox setting (a fleet's Redis URL, its CA, prefix and claim time), and setup's entry forwards the same.
    expect(codex?.env_vars).toEqual(expect.arrayContaining(Object.values(MAILBOX_ENV)));
    // Every setting the config reads from a variable reaches the server (a user's SUBAGENT_MCP_IDLE_TTL_S too).
    const settings = ["SUBAGENT_MCP_IDLE_TTL_S", "SUBAGENT_MCP_PERMISSION_TIMEOUT_S", "SUBAGENT_MCP_SANDBOX", "SUBAGENT_MCP_CAP_CLAUDE"];
    expect(codex?.env_vars).toEqual(expect.arrayContaining([...Object.values(ENV_SETTINGS).map((s) => s.variable), ...settings]));
    const setup = parse(hostAdapter("codex").server.add("", { command: "node", args: ["main.js"] })) as { mcp_servers: Record<string, { env_vars: string[] }> };
    expect(setup.mcp_servers["subagent-mcp"]?.env_vars).toEqual(codex?.env_vars);
  });

  it("hold the same hooks setup writes, each host's in a file only it reads", () => {
    const claude = JSON.parse(hostAdapter("claude").hooks?.add("{}", 'node "${CLAUDE_PLUGIN_ROOT}/server/dist/main.js"', "") ?? "{}") as { hooks: unknown };
    expect(files[`${PLUGIN_DIR}/hooks/claude.json`]).toEqual({ hooks: claude.hooks });
    expect(files[`${PLUGIN_DIR}/.claude-plugin/plugin.json`]?.hooks).toBe("./hooks/claude.json");
    // hooks/hooks.json is every host's default name: only the extension (Gemini CLI's events) has one.
    expect(files[`${PLUGIN_DIR}/hooks/hooks.json`]).toBeUndefined();
    expect(Object.keys(files[`${EXTENSION_DIR}/hooks/hooks.json`]?.hooks ?? {})).toEqual(["BeforeAgent", "BeforeTool", "AfterAgent", "SessionStart"]);
  });
});
