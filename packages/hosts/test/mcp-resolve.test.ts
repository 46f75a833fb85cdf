import { afterEach, describe, expect, it } from "vitest";
import { formatCatalog, listMcpServers, HostsError, redactSpec, resolveMcpServers } from "../src/index.js";
import { fixture, type Fixture } from "./mcp-fixture.js";

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

// "shared" is in Claude Code's user and project files and in Codex's; "git" in Gemini CLI's only.
function configs(): Fixture {
  const fx = fixture({ GH: "ghp_1" });
  fx.inHome(".claude.json", JSON.stringify({ mcpServers: { shared: { command: "claude-user" }, docs: { type: "http", url: "https://d.example/mcp" } } }));
  fx.inProject(".mcp.json", JSON.stringify({ mcpServers: { shared: { command: "claude-project" } } }));
  fx.inHome(".codex/config.toml", '[mcp_servers.shared]\ncommand = "codex-user"\n[mcp_servers.cx]\ncommand = "cx"\n');
  fx.inHome(".gemini/settings.json", JSON.stringify({ mcpServers: { git: { command: "git-mcp", env: { GH_TOKEN: "$GH" } } } }));
  return fx;
}

const commandOf = (spec: unknown) => (spec as { command?: string }).command;

describe("resolveMcpServers", () => {
  it("takes a name from the launching host first, then Claude Code's project over its user scope", async () => {
    f = configs();
    const fromCodex = await resolveMcpServers(["shared"], { ...f, host: "codex" });
    expect(fromCodex.map((s) => [commandOf(s.spec), s.fromProject])).toEqual([["codex-user", false]]);
    const [fromClaude] = await resolveMcpServers(["shared"], f);
    expect(commandOf(fromClaude?.spec)).toBe("claude-project");
    expect(fromClaude).toMatchObject({ from: { host: "claude", scope: "project" }, fromProject: true });
    const [git] = await resolveMcpServers(["git"], { ...f, host: "claude" });
    expect(git).toMatchObject({ spec: { name: "git", env: { GH_TOKEN: "ghp_1" } }, from: { host: "gemini", scope: "user" }, fromProject: false });
  });

  it('"inherit" is every server of the launching host, one per name', async () => {
    f = configs();
    const all = await resolveMcpServers(["inherit"], { ...f, host: "claude" });
    expect(all.map((s) => [s.spec.name, commandOf(s.spec) ?? "http", s.fromProject])).toEqual([
      ["shared", "claude-project", true],
      ["docs", "http", false],
    ]);
    await expect(resolveMcpServers(["inherit"], { ...f, host: "claude-desktop" })).rejects.toThrow(/"claude-desktop" is not a host whose MCP servers we read/);
    await expect(resolveMcpServers(["inherit"], f)).rejects.toMatchObject({ code: "UNKNOWN_HOST" });
  });

  it("checks an inline spec and refuses one name asked twice", async () => {
    f = configs();
    const inline = { name: "mine", url: "https://m.example/mcp", headers: { Authorization: "Bearer x" } };
    expect(await resolveMcpServers([inline], f)).toEqual([{ spec: inline, from: "inline", fromProject: false }]);
    await expect(resolveMcpServers([{ name: "bad name", command: "x" }], f)).rejects.toMatchObject({ code: "INVALID_SPEC" });
    await expect(resolveMcpServers([{ name: "x", url: "ftp://x" }], f)).rejects.toThrow(HostsError);
    await expect(resolveMcpServers(["cx", { name: "cx", command: "other" }], f)).rejects.toThrow(/two MCP servers asked for are named "cx"/);
    await expect(resolveMcpServers(["inherit", "docs"], { ...f, host: "claude" })).rejects.toMatchObject({ code: "DUPLICATE_NAME" });
  });

  it("names the servers the user has when a name is unknown", async () => {
    f = configs();
    const error = await resolveMcpServers(["nope"], f).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostsError);
    expect(error).toMatchObject({
      code: "UNKNOWN_SERVER",
      message: 'no MCP server named "nope" in your hosts\' configs; yours are claude: shared, docs; codex: shared, cx; gemini: git',
    });
    f.cleanup();
    f = fixture();
    await expect(resolveMcpServers(["nope"], f)).rejects.toThrow(/none of your hosts' configs/);
  });
});

describe("redactSpec and formatCatalog", () => {
  it("hide env and header values, a URL's password and query values, and keep their names", () => {
    expect(redactSpec({ name: "a", command: "a", args: ["--v"], env: { TOKEN: "s3cret", MODE: "x" } })).toEqual({
      name: "a",
      command: "a",
      args: ["--v"],
      env: { TOKEN: "***", MODE: "***" },
    });
    const http = redactSpec({ name: "b", url: "https://u:pw@h.example/mcp?key=s3cret", headers: { Authorization: "Bearer s3cret" } });
    expect(JSON.stringify(http)).not.toContain("s3cret");
    expect(http).toEqual({ name: "b", url: "https://u:***@h.example/mcp?key=***", headers: { Authorization: "***" } });
  });

  it("prints each host's servers with their scope and file, secrets hidden, then the problems", async () => {
    f = configs();
    f.inHome(".qwen/settings.json", "{ nope");
    const lines = formatCatalog(await listMcpServers(f)).join("\n");
    expect(lines).toContain(`claude:\n  shared (project, ${f.root}/.mcp.json)\n    stdio: claude-project`);
    expect(lines).toContain("  docs (user, ");
    expect(lines).toContain("    http: https://d.example/mcp");
    expect(lines).toContain("    stdio: git-mcp  env: GH_TOKEN=***");
    expect(lines).not.toContain("ghp_1");
    expect(lines).toContain("opencode: no MCP servers");
    expect(lines).toMatch(/problems:\n {2}qwen: .*settings\.json skipped: not valid JSON/);
  });
});
