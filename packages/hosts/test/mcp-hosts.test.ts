import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listMcpServers, registersUs, type CatalogEntry } from "../src/index.js";
import { fixture, type Fixture } from "./mcp-fixture.js";

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

const summary = (servers: CatalogEntry[]) => servers.map((s) => `${s.host}/${s.scope}/${s.name}`);

describe("listMcpServers: Claude Code", () => {
  it("reads the user's, the local and the project's entries, expanding ${VAR} and ${VAR:-default}", async () => {
    f = fixture({ TOKEN: "t0k", HOME_BIN: "/opt/bin" });
    const user = f.inHome(
      ".claude.json",
      JSON.stringify({
        mcpServers: {
          github: { type: "stdio", command: "${HOME_BIN}/gh-mcp", args: ["--x", "${MODE:-fast}"], env: { GITHUB_TOKEN: "${TOKEN}" } },
          docs: { type: "http", url: "https://docs.example/${PATH_PART:-mcp}", headers: { Authorization: "Bearer ${TOKEN}" } },
          "subagent-mcp": { command: "subagent-mcp", args: ["mcp"] },
          broken: { command: "x", env: { K: "${NOT_SET}" } },
          old: { type: "sse", url: "https://sse.example/sse" },
        },
        projects: { [f.root]: { mcpServers: { notes: { command: "notes-mcp" } } } },
      }),
    );
    const project = f.inProject(".mcp.json", '{\n  // the project\'s\n  "mcpServers": { "lint": { "command": "lint-mcp", "args": [] }, },\n}\n');
    const { servers, problems } = await listMcpServers(f);
    expect(summary(servers)).toEqual(["claude/local/notes", "claude/project/lint", "claude/user/github", "claude/user/docs"]);
    expect(servers.find((s) => s.name === "github")).toEqual({
      name: "github",
      host: "claude",
      scope: "user",
      file: user,
      spec: { name: "github", command: "/opt/bin/gh-mcp", args: ["--x", "fast"], env: { GITHUB_TOKEN: "t0k" } },
    });
    expect(servers.find((s) => s.name === "docs")?.spec).toEqual({ name: "docs", url: "https://docs.example/mcp", headers: { Authorization: "Bearer t0k" } });
    expect(servers.find((s) => s.name === "lint")?.file).toBe(project);
    expect(problems).toEqual([
      expect.stringMatching(/"broken" skipped: environment variable NOT_SET is not set and has no default/),
      expect.stringMatching(/"old" skipped: an SSE server/),
    ]);
  });

  it("finds ~/.claude.json under CLAUDE_CONFIG_DIR", async () => {
    f = fixture();
    f.env.CLAUDE_CONFIG_DIR = join(f.home, "cfg");
    f.inHome("cfg/.claude.json", JSON.stringify({ mcpServers: { a: { command: "a" } } }));
    expect(summary((await listMcpServers(f)).servers)).toEqual(["claude/user/a"]);
  });
});

describe("listMcpServers: Codex", () => {
  it("reads [mcp_servers.NAME] tables: env_vars, bearer_token_env_var, http_headers, env_http_headers, enabled = false", async () => {
    f = fixture({ CODEX_HOME: "", API_TOKEN: "sekret", ORG: "acme", PASSED: "p" });
    f.env.CODEX_HOME = join(f.home, "codex-home");
    f.inHome(
      "codex-home/config.toml",
      [
        'model = "o3"',
        "[mcp_servers.search]",
        'command = "search-mcp"',
        'args = ["--port", "0"]',
        'env = { KEY = "v" }',
        'env_vars = ["PASSED", "UNSET_ONE"]',
        "[mcp_servers.remote]",
        'url = "https://remote.example/mcp"',
        'bearer_token_env_var = "API_TOKEN"',
        'http_headers = { "X-Fixed" = "1" }',
        'env_http_headers = { "X-Org" = "ORG", "X-None" = "NOPE" }',
        "[mcp_servers.off]",
        'command = "off"',
        "enabled = false",
        "[mcp_servers.tokenless]",
        'url = "https://t.example/mcp"',
        'bearer_token_env_var = "MISSING_TOKEN"',
      ].join("\n"),
    );
    const { servers, problems } = await listMcpServers(f);
    expect(servers.map((s) => s.spec)).toEqual([
      { name: "search", command: "search-mcp", args: ["--port", "0"], env: { PASSED: "p", KEY: "v" } },
      { name: "remote", url: "https://remote.example/mcp", headers: { "X-Fixed": "1", "X-Org": "acme", Authorization: "Bearer sekret" } },
    ]);
    expect(problems).toEqual([expect.stringMatching(/"tokenless" skipped: bearer_token_env_var MISSING_TOKEN is not set/)]);
  });

  it("lists a file that is not TOML as a problem and goes on", async () => {
    f = fixture();
    const bad = f.inHome(".codex/config.toml", "[mcp_servers.x\ncommand = 1");
    f.inHome(".gemini/settings.json", JSON.stringify({ mcpServers: { g: { command: "g" } } }));
    const { servers, problems } = await listMcpServers(f);
    expect(summary(servers)).toEqual(["gemini/user/g"]);
    expect(problems).toEqual([expect.stringContaining(`codex: ${bad} skipped: not valid TOML`)]);
  });
});

describe("listMcpServers: Gemini CLI and Qwen Code", () => {
  it("reads the project's and the user's settings (JSONC), httpUrl, url, $VAR, mcp.excluded, and notes a cwd it cannot pass", async () => {
    f = fixture({ KEY: "k1", QWEN_HOME: undefined });
    f.inHome(
      ".gemini/settings.json",
      `{
  // user settings
  "mcp": { "excluded": ["hidden"] },
  "mcpServers": {
    "api": { "httpUrl": "https://api.example/mcp", "headers": { "X-Key": "$KEY" } },
    "plain": { "url": "https://plain.example/mcp" },
    "legacy": { "url": "https://legacy.example/sse", "type": "sse" },
    "hidden": { "command": "hidden" },
    "tool": { "command": "tool-mcp", "args": ["\${KEY}"], "cwd": "/srv/tool" },
  },
}`,
    );
    f.inProject("pkg/.gemini/settings.json", JSON.stringify({ mcpServers: { local: { command: "local-mcp", env: { A: "${UNSET:-dflt}" } } } }));
    f.inHome(".qwen/settings.json", JSON.stringify({ $version: 4, mcpServers: { q: { command: "q-mcp" } } }));
    f.inProject("pkg/.qwen/settings.json", "{ not json");
    const { servers, problems } = await listMcpServers(f);
    expect(summary(servers)).toEqual(["gemini/project/local", "gemini/user/api", "gemini/user/plain", "gemini/user/tool", "qwen/user/q"]);
    expect(servers.map((s) => s.spec).slice(0, 4)).toEqual([
      { name: "local", command: "local-mcp", args: [], env: { A: "dflt" } },
      { name: "api", url: "https://api.example/mcp", headers: { "X-Key": "k1" } },
      { name: "plain", url: "https://plain.example/mcp" },
      { name: "tool", command: "tool-mcp", args: ["k1"], env: {} },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/"legacy" skipped: an SSE server/),
      expect.stringMatching(/"tool" is offered without its cwd \(\/srv\/tool\)/),
      expect.stringMatching(/^qwen: .*\.qwen\/settings\.json skipped: not valid JSON/),
    ]);
  });
});

describe("registersUs: the servers a Gemini CLI session starts", () => {
  it("names the settings' entries it admits and the servers of the user's extensions, never one mcp.excluded keeps out", async () => {
    f = fixture();
    f.inHome(
      ".gemini/settings.json",
      JSON.stringify({ mcp: { excluded: ["hidden", "ext-hidden"] }, mcpServers: { api: { command: "api" }, hidden: { command: "h" } } }),
    );
    f.inHome(
      ".gemini/extensions/tools/gemini-extension.json",
      JSON.stringify({ name: "tools", mcpServers: { "ext-tool": { command: "t" }, "ext-hidden": { command: "x" } } }),
    );
    f.inHome(".gemini/extensions/broken/gemini-extension.json", "{ not json");
    f.inHome(
      ".gemini/extensions/subagent-mcp/gemini-extension.json",
      JSON.stringify({ name: "subagent-mcp", mcpServers: { "subagent-mcp": { command: "node" } } }),
    );
    const found = await registersUs("gemini", f);
    expect(found).toEqual({ ours: true, others: ["api", "ext-tool"] });
    // Only where Gemini CLI finds them: the extensions are not offered to another CLI's sub-agents.
    expect(summary((await listMcpServers(f)).servers)).toEqual(["gemini/user/api"]);
  });

  it("leaves our entry out of what it finds when mcp.excluded names it: that CLI starts no server of ours", async () => {
    f = fixture();
    f.inHome(
      ".gemini/settings.json",
      JSON.stringify({ mcp: { excluded: ["subagent-mcp"] }, mcpServers: { "subagent-mcp": { command: "subagent-mcp" }, api: { command: "api" } } }),
    );
    expect(await registersUs("gemini", f)).toEqual({ ours: false, others: ["api"] });
  });
});

describe("listMcpServers: OpenCode", () => {
  it("reads local and remote entries from the project's opencode.jsonc and the user's config, {env:VAR}, enabled: false", async () => {
    f = fixture({ XDG_CONFIG_HOME: undefined, TOKEN: "abc" });
    f.inHome(
      ".config/opencode/opencode.json",
      JSON.stringify({
        mcp: {
          remote: { type: "remote", url: "https://r.example/mcp", headers: { Authorization: "Bearer {env:TOKEN}" } },
          off: { type: "local", command: ["off"], enabled: false },
          bad: { type: "local", command: [] },
        },
      }),
    );
    f.inProject("opencode.jsonc", '{ /* project */ "mcp": { "db": { "type": "local", "command": ["db-mcp", "--ro"], "environment": { "DB": "x" } } } }');
    const { servers, problems } = await listMcpServers(f);
    expect(servers.map((s) => [s.scope, s.spec])).toEqual([
      ["project", { name: "db", command: "db-mcp", args: ["--ro"], env: { DB: "x" } }],
      ["user", { name: "remote", url: "https://r.example/mcp", headers: { Authorization: "Bearer abc" } }],
    ]);
    expect(problems).toEqual([expect.stringMatching(/opencode: .*"bad" skipped: command: /)]);
  });

  it("skips an entry whose name a sub-agent's CLI would not take", async () => {
    f = fixture();
    f.inHome(".claude.json", JSON.stringify({ mcpServers: { "my.server": { command: "x" } } }));
    const { servers, problems } = await listMcpServers(f);
    expect(servers).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/"my\.server" skipped: name: letters, digits/)]);
  });
});
