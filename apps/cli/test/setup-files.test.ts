import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";

// The files setup, init, update and uninstall write, as a careless user and a shared machine would
// have them: credentials 0600, files made read-only, dotfile symlinks, broken or odd configs. No
// agent CLI runs here: only our built binary, in a fresh HOME with nothing inherited but PATH.

let root: string;
let home: string;
let env: Record<string, string>;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "subagent-mcp-files-"));
  home = join(root, "home");
  mkdirSync(join(home, ".claude"), { recursive: true });
  mkdirSync(join(home, ".codex"));
  mkdirSync(join(home, ".gemini"));
  env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, ".local", "state"), CODEX_HOME: join(home, ".codex") };
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => execa(process.execPath, [bin, ...args], { cwd: root, env, extendEnv: false, reject: false });
const mode = (path: string) => statSync(path).mode & 0o777;
const state = () => join(home, ".local", "state", "subagent-mcp");
const claudeJson = () => join(home, ".claude.json");
const CREDENTIALS = '{\n  "primaryApiKey": "sk-ant-secret",\n  "theme": "dark"\n}\n';

describe("setup keeps files as private as the user made them", () => {
  it("keeps a 0600 ~/.claude.json 0600, and makes the state dir 0700 and backups and the record 0600", async () => {
    writeFileSync(claudeJson(), CREDENTIALS, { mode: 0o600 });
    chmodSync(claudeJson(), 0o600);
    // A state dir an earlier version created with the umask's mode.
    mkdirSync(state(), { recursive: true, mode: 0o755 });
    chmodSync(state(), 0o755);
    const setup = await cli("setup", "--host", "claude,codex,gemini");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(readFileSync(claudeJson(), "utf8")).toContain('"subagent-mcp"');
    expect(mode(claudeJson())).toBe(0o600);
    // Configs setup creates will hold the host's credentials too.
    for (const created of [join(home, ".claude", "settings.json"), join(home, ".codex", "config.toml"), join(home, ".gemini", "settings.json")])
      expect(mode(created), created).toBe(0o600);
    expect(mode(state())).toBe(0o700);
    expect(mode(join(state(), "backups"))).toBe(0o700);
    expect(mode(join(state(), "installed.json"))).toBe(0o600);
    const backups = readdirSync(join(state(), "backups"));
    expect(backups.length).toBeGreaterThan(0);
    for (const b of backups) expect(mode(join(state(), "backups", b)), b).toBe(0o600);

    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(readFileSync(claudeJson(), "utf8")).toBe(CREDENTIALS);
    expect(mode(claudeJson())).toBe(0o600);
  });

  it("refuses a read-only config unless --force (naming it, writing nothing), and --force keeps it read-only", async () => {
    writeFileSync(claudeJson(), CREDENTIALS);
    chmodSync(claudeJson(), 0o444);
    const refused = await cli("setup", "--host", "claude");
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(`${claudeJson()} is read-only (mode 0444)`);
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(claudeJson(), "utf8")).toBe(CREDENTIALS);
    expect(mode(claudeJson())).toBe(0o444);
    expect(existsSync(join(home, ".claude", "settings.json"))).toBe(false);
    expect(existsSync(join(state(), "installed.json"))).toBe(false);

    const forced = await cli("setup", "--host", "claude", "--force");
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(claudeJson(), "utf8")).toContain('"subagent-mcp"');
    expect(mode(claudeJson())).toBe(0o444);

    // update re-applies through the same check.
    chmodSync(claudeJson(), 0o644);
    writeFileSync(claudeJson(), readFileSync(claudeJson(), "utf8").replace(/"command": ".*?"/, '"command": "/old/node"'));
    chmodSync(claudeJson(), 0o444);
    const update = await cli("update");
    expect(update.exitCode).not.toBe(0);
    expect(update.stderr).toContain(`${claudeJson()} is read-only`);
    expect(readFileSync(claudeJson(), "utf8")).toContain("/old/node");
    const updateForced = await cli("update", "--force");
    expect(updateForced.exitCode, updateForced.stderr).toBe(0);
    expect(readFileSync(claudeJson(), "utf8")).not.toContain("/old/node");
    expect(mode(claudeJson())).toBe(0o444);

    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode).not.toBe(0);
    expect(uninstall.stderr).toContain(`${claudeJson()} is read-only`);
    // Nothing was undone, so all of it is still recorded and --force finishes the job byte for byte.
    expect(existsSync(join(home, ".claude", "settings.json"))).toBe(true);
    const forcedUninstall = await cli("uninstall", "--force");
    expect(forcedUninstall.exitCode, forcedUninstall.stderr).toBe(0);
    expect(readFileSync(claudeJson(), "utf8")).toBe(CREDENTIALS);
    expect(mode(claudeJson())).toBe(0o444);
    expect(existsSync(join(home, ".claude", "settings.json"))).toBe(false);
  });

  it.skipIf(process.getuid?.() !== 0)("run as root, leaves another user's file theirs", async () => {
    writeFileSync(claudeJson(), CREDENTIALS, { mode: 0o600 });
    chownSync(claudeJson(), 4242, 4343);
    const setup = await cli("setup", "--host", "claude");
    expect(setup.exitCode, setup.stderr).toBe(0);
    const after = statSync(claudeJson());
    expect([after.uid, after.gid, after.mode & 0o777]).toEqual([4242, 4343, 0o600]);
  });

  it("writes through a symlinked config to its target, keeps the link, and uninstall restores the target byte for byte", async () => {
    mkdirSync(join(root, "dotfiles"));
    const target = join(root, "dotfiles", "claude.json");
    writeFileSync(target, CREDENTIALS, { mode: 0o640 });
    chmodSync(target, 0o640);
    symlinkSync("../dotfiles/claude.json", claudeJson());
    const setup = await cli("setup", "--host", "claude");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(lstatSync(claudeJson()).isSymbolicLink()).toBe(true);
    expect(readlinkSync(claudeJson())).toBe("../dotfiles/claude.json");
    expect(readFileSync(target, "utf8")).toContain('"subagent-mcp"');
    expect(mode(target)).toBe(0o640);
    expect(readdirSync(join(root, "dotfiles"))).toEqual(["claude.json"]);
    expect((await cli("uninstall")).exitCode).toBe(0);
    expect(lstatSync(claudeJson()).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe(CREDENTIALS);
  });
});

describe("setup refuses configs it would damage, and changes nothing", () => {
  it("refuses a malformed ~/.claude.json, saying where, before writing any host's file", async () => {
    const broken = '{\n  "theme": "dark",,\n  "mcpServers": {}\n}\n';
    writeFileSync(claudeJson(), broken);
    const setup = await cli("setup", "--host", "gemini,claude");
    expect(setup.exitCode).not.toBe(0);
    expect(setup.stderr).toContain(`${claudeJson()}:2:19: not valid JSON (PropertyNameExpected)`);
    expect(readFileSync(claudeJson(), "utf8")).toBe(broken);
    expect(existsSync(join(home, ".gemini", "settings.json"))).toBe(false);
    expect(existsSync(state())).toBe(false);
  });

  it.each([
    ["claude", ".claude.json", '{\n  "mcpServers": [\n    { "name": "mine" }\n  ]\n}\n', '"mcpServers" is an array, not an object'],
    ["gemini", ".gemini/settings.json", '{ "mcpServers": "none" }\n', '"mcpServers" is a string, not an object'],
    ["claude", ".claude/settings.json", '{ "hooks": { "PreToolUse": { "matcher": "Bash" } } }\n', '"hooks.PreToolUse" is an object, not an array'],
    ["codex", ".codex/config.toml", 'mcp_servers = "x"\n', "mcp_servers is a string, not a table"],
    ["codex", ".codex/config.toml", '[hooks.UserPromptSubmit]\ncommand = "mine"\n', "hooks.UserPromptSubmit is a table, not an array"],
    ["codex", ".codex/config.toml", "model = \n", "not valid TOML"],
  ])("%s: refuses %s holding %j", async (host, file, text, why) => {
    const path = join(home, file);
    writeFileSync(path, text);
    const setup = await cli("setup", "--host", host);
    expect(setup.exitCode).not.toBe(0);
    expect(setup.stderr).toContain(path);
    expect(setup.stderr).toContain(why);
    expect(setup.stderr).toContain("nothing was changed");
    expect(readFileSync(path, "utf8")).toBe(text);
    expect(existsSync(state())).toBe(false);
  });
});

describe("init keeps instruction files as they are", () => {
  it("writes through CLAUDE.md -> AGENTS.md once, keeps AGENTS.md's mode, and uninstall restores it", async () => {
    const project = join(root, "proj");
    mkdirSync(project);
    writeFileSync(join(project, "AGENTS.md"), "# Rules\n", { mode: 0o640 });
    chmodSync(join(project, "AGENTS.md"), 0o640);
    symlinkSync("AGENTS.md", join(project, "CLAUDE.md"));
    const init = await cli("init", "--root", project);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toContain(`${join(project, "CLAUDE.md")}: unchanged`);
    expect(lstatSync(join(project, "CLAUDE.md")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(project, "AGENTS.md"), "utf8").match(/subagent-mcp:begin/g)).toHaveLength(1);
    expect(mode(join(project, "AGENTS.md"))).toBe(0o640);

    chmodSync(join(project, "GEMINI.md"), 0o444);
    const again = await cli("init", "--root", project, "--remove", "--files", "GEMINI.md");
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain(`${join(project, "GEMINI.md")} is read-only`);

    expect((await cli("uninstall", "--force")).exitCode).toBe(0);
    expect(readFileSync(join(project, "AGENTS.md"), "utf8")).toBe("# Rules\n");
    expect(lstatSync(join(project, "CLAUDE.md")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(project, "GEMINI.md"))).toBe(false);
  });
});
