import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliExecutable, loopbackEnv, startAllFakes, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

// subagent-mcp installed as a host's own plugin or extension, as the files the hosts' plugin
// commands write record it (fixtures here; no plugin is installed for real): setup leaves the
// server (and the hooks a plugin brings) to it and takes out what an earlier setup wrote, doctor
// says how we are installed, uninstall names the host's command that removes the plugin.

let root: string;
let home: string;
let env: Record<string, string>;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "subagent-mcp-plugin-"));
  home = join(root, "home");
  for (const dir of [".claude", ".codex", ".gemini", ".qwen"]) mkdirSync(join(home, dir), { recursive: true });
  env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, ".local", "state"), CODEX_HOME: join(home, ".codex") };
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => execa(process.execPath, [bin, ...args], { cwd: root, env, extendEnv: false, reject: false });
const put = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};
const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : null);
const CLAUDE_ID = "subagent-mcp@subagent-mcp";

/** The files each host's plugin command writes for our plugin (Claude Code, Codex) or extension (Gemini CLI, Qwen Code). */
function installPlugins(at: string, options: { claudeEnabled?: boolean } = {}): void {
  put(
    join(at, ".claude", "plugins", "installed_plugins.json"),
    JSON.stringify({ version: 2, plugins: { [CLAUDE_ID]: [{ scope: "user", installPath: "/p", version: "0.1.0" }] } }),
  );
  const settings = join(at, ".claude", "settings.json");
  const current = read(settings);
  const parsed = (current === null ? {} : JSON.parse(current)) as Record<string, unknown>;
  writeFileSync(settings, `${JSON.stringify({ ...parsed, enabledPlugins: { [CLAUDE_ID]: options.claudeEnabled ?? true } }, null, 2)}\n`);
  const toml = join(at, ".codex", "config.toml");
  writeFileSync(toml, `${read(toml) ?? ""}\n[plugins."subagent-mcp@mkt"]\nenabled = true\n`);
  mkdirSync(join(at, ".codex", "plugins", "cache", "mkt", "subagent-mcp", "0.1.0"), { recursive: true });
  put(join(at, ".gemini", "extensions", "subagent-mcp", "gemini-extension.json"), '{ "name": "subagent-mcp", "version": "0.1.0" }');
  put(join(at, ".qwen", "extensions", "subagent-mcp", "qwen-extension.json"), '{ "name": "subagent-mcp", "version": "0.1.0" }');
}

describe("setup where subagent-mcp is installed as the host's plugin", () => {
  it("registers nothing the plugin provides: Codex still gets its hooks, the others nothing", async () => {
    installPlugins(home);
    const setup = await cli("setup", "--host", "claude,codex,gemini,qwen");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`claude: installed as the plugin ${CLAUDE_ID} 0.1.0; setup leaves the server and hooks to it`);
    expect(setup.stdout).toContain("codex: installed as the plugin subagent-mcp@mkt 0.1.0; setup leaves the server to it");
    expect(setup.stdout).toContain("gemini: installed as the extension subagent-mcp 0.1.0; setup leaves the server and hooks to it");
    expect(setup.stdout).toContain("qwen: installed as the extension subagent-mcp 0.1.0; setup leaves the server to it");
    expect(setup.stdout).toContain(`codex: installed orchestration hooks in ${join(home, ".codex", "config.toml")}`);
    expect(setup.stdout).not.toContain("registered subagent-mcp");
    expect(read(join(home, ".claude.json"))).toBeNull();
    expect(read(join(home, ".claude", "settings.json"))).not.toContain("hook claude");
    expect(read(join(home, ".codex", "config.toml"))).not.toContain("[mcp_servers");
    expect(read(join(home, ".gemini", "settings.json"))).toBeNull();
    expect(read(join(home, ".qwen", "settings.json"))).toBeNull();
  });

  it("removes what an earlier setup wrote (dry run first), keeps the user's content, and forgets it for update and uninstall", async () => {
    writeFileSync(join(home, ".claude.json"), '{\n  "theme": "dark"\n}\n');
    writeFileSync(join(home, ".gemini", "settings.json"), '{\n  // mine\n  "ui": {}\n}\n');
    expect((await cli("setup", "--host", "claude,codex,gemini")).exitCode).toBe(0);
    installPlugins(home);
    const files = [
      join(home, ".claude.json"),
      join(home, ".claude", "settings.json"),
      join(home, ".codex", "config.toml"),
      join(home, ".gemini", "settings.json"),
    ];
    const before = files.map(read);
    const dry = await cli("setup", "--host", "claude,codex,gemini", "--dry-run");
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/-\s+"subagent-mcp": \{/);
    expect(dry.stdout).toContain('-[mcp_servers."subagent-mcp"]');
    expect(files.map(read)).toEqual(before);

    const setup = await cli("setup", "--host", "claude,codex,gemini");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`claude: removed the entry setup wrote earlier in ${files[0] as string} (the plugin registers the server) (backup: `);
    expect(setup.stdout).toContain(`claude: removed the hooks setup installed earlier in ${files[1] as string}`);
    expect(setup.stdout).toContain(`codex: removed the entry setup wrote earlier in ${files[2] as string}`);
    expect(setup.stdout).toContain(`${files[2] as string} already up to date`); // Codex keeps setup's hooks: its plugin has none
    expect(read(files[0] as string)).toBe('{\n  "theme": "dark"\n}\n');
    expect(read(files[1] as string)).not.toContain("hook claude");
    expect(read(files[2] as string)).toContain("hook codex");
    expect(read(files[2] as string)).not.toContain("mcp_servers");
    expect(read(files[3] as string)).toBe('{\n  // mine\n  "ui": {}\n}\n');
    expect((await cli("setup", "--host", "claude,codex,gemini")).stdout).not.toContain("removed");

    // update re-applies only what setup still owns; uninstall takes out Codex's hooks and names each plugin's remove command.
    const update = await cli("update");
    expect(update.exitCode, update.stderr).toBe(0);
    expect(read(files[0] as string)).not.toContain("subagent-mcp");
    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(read(files[2] as string)).not.toContain("hook codex");
    expect(uninstall.stdout).toContain(`claude: the plugin ${CLAUDE_ID} stays; remove it with: claude plugin uninstall ${CLAUDE_ID}`);
    expect(uninstall.stdout).toContain("codex: the plugin subagent-mcp@mkt stays; remove it with: codex plugin remove subagent-mcp@mkt");
    expect(uninstall.stdout).toContain("gemini: the extension subagent-mcp stays; remove it with: gemini extensions uninstall subagent-mcp");
    expect(uninstall.stdout).toContain("qwen: the extension subagent-mcp stays; remove it with: qwen extensions uninstall subagent-mcp");
  });

  it("update does not write again what a plugin installed since provides, and says setup takes the old entry out", async () => {
    expect((await cli("setup", "--host", "claude,codex")).exitCode).toBe(0);
    installPlugins(home);
    const update = await cli("update");
    expect(update.exitCode, update.stderr).toBe(0);
    expect(update.stdout).toContain("claude: installed as its plugin, so not re-applied; `subagent-mcp setup` takes out what setup wrote earlier");
    expect(update.stdout).toContain("codex: installed as its plugin, so not re-applied");
  });

  it("a disabled plugin, or a record that does not parse, leaves setup installing as before, and says so", async () => {
    installPlugins(home, { claudeEnabled: false });
    writeFileSync(join(home, ".gemini", "extensions", "subagent-mcp", "gemini-extension.json"), "{ broken");
    const setup = await cli("setup", "--host", "claude,gemini");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`claude: the plugin ${CLAUDE_ID} 0.1.0 (disabled) is installed; setup registers the server itself`);
    expect(setup.stdout).toMatch(/gemini: cannot tell whether the plugin is installed \(.*gemini-extension\.json:1:\d+: not valid JSON/);
    expect(read(join(home, ".claude.json"))).toContain('"subagent-mcp"');
    expect(read(join(home, ".gemini", "settings.json"))).toContain('"subagent-mcp"');
  });
});

describe("doctor says how subagent-mcp is installed in each host", () => {
  let e: CliEnvironment | undefined;
  let fakes: Record<string, FakeModelServer> | undefined;
  afterEach(async () => {
    await e?.cleanup();
    await Promise.all(Object.values(fakes ?? {}).map((f) => f.stop()));
    e = undefined;
  });

  it("plugin, setup, both, disabled, or not installed", async () => {
    fakes = await startAllFakes();
    const env2 = (e = await loopbackEnv(fakes));
    const run = (...args: string[]) =>
      execa(process.execPath, [bin, ...args], {
        cwd: env2.cwd,
        env: {
          ...env2.env,
          SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
          SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"),
          SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini"),
        },
        extendEnv: false,
        reject: false,
      });
    const codexToml = join(env2.env.CODEX_HOME ?? "", "config.toml");
    const first = await run("doctor");
    expect(first.stdout).toContain(`  not installed (no entry in ${join(env2.home, ".claude.json")}, no plugin)`);
    expect((await run("setup", "--host", "codex")).exitCode).toBe(0);
    put(
      join(env2.home, ".claude", "plugins", "installed_plugins.json"),
      JSON.stringify({ plugins: { "subagent-mcp@mkt": [{ scope: "user", version: "0.1.0" }] } }),
    );
    put(join(env2.home, ".gemini", "extensions", "subagent-mcp", "gemini-extension.json"), '{ "name": "subagent-mcp", "version": "0.1.0" }');
    put(join(env2.home, ".gemini", "extensions", "extension-enablement.json"), JSON.stringify({ "subagent-mcp": { overrides: [`!${env2.home}/*`] } }));
    writeFileSync(codexToml, `${read(codexToml) ?? ""}\n[plugins."subagent-mcp@mkt"]\nenabled = true\n`);
    const out = await run("doctor");
    expect(out.exitCode, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(
      /claude: .*\n {2}version: .*\n {2}installed: plugin subagent-mcp@mkt 0\.1\.0 \(remove: claude plugin uninstall subagent-mcp@mkt\)\n/,
    );
    expect(out.stdout).toMatch(
      /codex: .*\n {2}version: .*\n {2}installed: plugin and setup \(run subagent-mcp setup to keep one\): plugin subagent-mcp@mkt, and in .*config\.toml\n/,
    );
    expect(out.stdout).toMatch(
      /gemini: .*\n {2}version: .*\n {2}installed: extension subagent-mcp 0\.1\.0 \(disabled\) \(remove: gemini extensions uninstall subagent-mcp\)\n/,
    );
    // setup keeps one: Codex's entry goes, and doctor then says plugin only.
    expect((await run("setup", "--host", "codex")).stdout).toContain("codex: removed the entry setup wrote earlier");
    expect((await run("doctor", "--host", "codex")).stdout).toContain("  installed: plugin subagent-mcp@mkt (remove: codex plugin remove subagent-mcp@mkt)");
  });
});
