import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appHostLines } from "../src/setup/app-hosts.js";
import { bin } from "./e2e.js";

// Claude Desktop is an app, not a CLI: setup registers our server in its claude_desktop_config.json
// only when its config folder exists. Our built binary in a fresh HOME, no agent CLI on PATH.

let root: string;
let home: string;
let env: Record<string, string>;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "subagent-mcp-desktop-"));
  home = join(root, "home");
  mkdirSync(home);
  env = { PATH: join(root, "no-bin"), HOME: home, XDG_STATE_HOME: join(home, ".local", "state") };
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => execa(process.execPath, [bin, ...args], { cwd: root, env, extendEnv: false, reject: false });
const desktopDir = () => join(home, ".config", "Claude");
const config = () => join(desktopDir(), "claude_desktop_config.json");
const USER =
  '{\n  "mcpServers": {\n    "filesystem": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"] }\n  },\n  "globalShortcut": "Ctrl+Space"\n}\n';
const parsed = () =>
  JSON.parse(readFileSync(config(), "utf8")) as { mcpServers: Record<string, { command: string; args: string[]; env?: object }>; globalShortcut?: string };

describe("setup --host claude-desktop", () => {
  it("registers our server beside the user's, backs the file up, is idempotent, and uninstall gives it back byte for byte", async () => {
    mkdirSync(desktopDir(), { recursive: true });
    writeFileSync(config(), USER, { mode: 0o640 });
    chmodSync(config(), 0o640);
    const setup = await cli("setup", "--host", "claude-desktop");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`claude-desktop: registered subagent-mcp in ${config()} (backup: `);
    expect(setup.stdout).toContain("claude-desktop: no orchestration hooks (Claude Desktop has no hook system)");
    const { mcpServers, globalShortcut } = parsed();
    expect(Object.keys(mcpServers)).toEqual(["filesystem", "subagent-mcp"]);
    expect(mcpServers["subagent-mcp"]).toEqual({ command: process.execPath, args: ["--max-semi-space-size=1", bin], env: {} });
    expect(globalShortcut).toBe("Ctrl+Space");
    expect(statSync(config()).mode & 0o777).toBe(0o640);
    const backups = readdirSync(join(home, ".local", "state", "subagent-mcp", "backups"));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(home, ".local", "state", "subagent-mcp", "backups", backups[0] as string), "utf8")).toBe(USER);

    const again = await cli("setup", "--host", "claude-desktop");
    expect(again.stdout).toContain(`claude-desktop: ${config()} already up to date`);
    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(uninstall.stdout).toContain(`${config()}: restored`);
    expect(readFileSync(config(), "utf8")).toBe(USER);
  });

  it("update re-applies our entry; uninstall removes only ours from a file the user has edited since", async () => {
    mkdirSync(desktopDir(), { recursive: true });
    writeFileSync(config(), USER);
    expect((await cli("setup", "--host", "claude-desktop")).exitCode).toBe(0);
    const registered = readFileSync(config(), "utf8");
    writeFileSync(config(), registered.replace(process.execPath, "/old/node"));
    const update = await cli("update");
    expect(update.exitCode, update.stderr).toBe(0);
    expect(update.stdout).toContain(`${config()}: re-applied`);
    expect(readFileSync(config(), "utf8")).toBe(registered);
    // Claude Desktop (or the user) edits the file after setup.
    writeFileSync(config(), registered.replace('"globalShortcut"', '"theme": "dark",\n  "globalShortcut"'));
    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(uninstall.stdout).toContain(`${config()}: removed`);
    expect(readFileSync(config(), "utf8")).toBe(USER.replace('"globalShortcut"', '"theme": "dark",\n  "globalShortcut"'));
  });

  it("an edit the user made before an update survives a later uninstall", async () => {
    mkdirSync(desktopDir(), { recursive: true });
    writeFileSync(config(), USER);
    expect((await cli("setup", "--host", "claude-desktop")).exitCode).toBe(0);
    // The user adds a setting and our entry goes stale (an older install's path); update rewrites the file.
    const edited = readFileSync(config(), "utf8").replace('"globalShortcut"', '"theme": "dark",\n  "globalShortcut"').replace(process.execPath, "/old/node");
    writeFileSync(config(), edited);
    const update = await cli("update");
    expect(update.exitCode, update.stderr).toBe(0);
    expect(readFileSync(config(), "utf8")).toBe(edited.replace("/old/node", process.execPath));
    // Untouched since the update, the file goes back to what the user had: their edit included, our entry gone.
    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(readFileSync(config(), "utf8")).toBe(USER.replace('"globalShortcut"', '"theme": "dark",\n  "globalShortcut"'));
  });

  it("update leaves Claude Desktop alone once its folder is gone", async () => {
    mkdirSync(desktopDir(), { recursive: true });
    expect((await cli("setup", "--host", "claude-desktop")).exitCode).toBe(0);
    rmSync(desktopDir(), { recursive: true });
    const update = await cli("update");
    expect(update.exitCode, update.stderr).toBe(0);
    expect(update.stdout).toContain("setup and init entries are current");
    expect(existsSync(desktopDir())).toBe(false);
    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(uninstall.stdout).toContain(`${config()}: absent`);
    expect(existsSync(desktopDir())).toBe(false);
  });

  it("creates the config file (0600) in an existing but empty Claude folder, and uninstall deletes it again", async () => {
    env.XDG_CONFIG_HOME = join(root, "xdg");
    const dir = join(root, "xdg", "Claude");
    mkdirSync(dir, { recursive: true });
    const setup = await cli("setup", "--host", "claude-desktop");
    expect(setup.exitCode, setup.stderr).toBe(0);
    const path = join(dir, "claude_desktop_config.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Object.keys((JSON.parse(readFileSync(path, "utf8")) as { mcpServers: object }).mcpServers)).toEqual(["subagent-mcp"]);
    expect((await cli("uninstall")).exitCode).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a read-only config unless --force, which keeps it read-only", async () => {
    mkdirSync(desktopDir(), { recursive: true });
    writeFileSync(config(), USER);
    chmodSync(config(), 0o444);
    const refused = await cli("setup", "--host", "claude-desktop");
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(`${config()} is read-only (mode 0444)`);
    expect(readFileSync(config(), "utf8")).toBe(USER);
    const forced = await cli("setup", "--host", "claude-desktop", "--force");
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(Object.keys(parsed().mcpServers)).toEqual(["filesystem", "subagent-mcp"]);
    expect(statSync(config()).mode & 0o777).toBe(0o444);
  });
});

describe("setup when Claude Desktop is not installed", () => {
  it("--host claude-desktop is an error naming the missing folder, and nothing is created", async () => {
    const setup = await cli("setup", "--host", "claude-desktop");
    expect(setup.exitCode).toBe(1);
    expect(setup.stderr).toBe(`subagent-mcp: claude-desktop: Claude Desktop is not installed (no ${desktopDir()}); nothing was changed`);
    expect(existsSync(desktopDir())).toBe(false);
    expect(existsSync(join(home, ".local"))).toBe(false);
  });

  it("a plain setup says so and registers with the hosts it found", async () => {
    mkdirSync(join(home, ".gemini"));
    const setup = await cli("setup");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`claude-desktop: Claude Desktop is not installed (no ${desktopDir()}); skipped`);
    expect(setup.stdout).toContain(`gemini: registered subagent-mcp in ${join(home, ".gemini", "settings.json")}`);
    expect(existsSync(desktopDir())).toBe(false);
  });

  it("a plain setup registers with Claude Desktop once its folder exists", async () => {
    mkdirSync(desktopDir(), { recursive: true });
    const setup = await cli("setup");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`claude-desktop: registered subagent-mcp in ${config()}`);
    expect(setup.stdout).not.toContain("gemini");
  });

  it("an unknown host names claude-desktop among the choices", async () => {
    const bad = await cli("setup", "--host", "desktop");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('subagent-mcp: --host must be claude, codex, gemini, qwen, opencode or claude-desktop (got "desktop")');
  });
});

describe("doctor's lines for Claude Desktop", () => {
  it("not installed, then installed and not registered, then registered", async () => {
    const ctx = { home, env: {}, platform: "linux" as const };
    expect(appHostLines(ctx)).toEqual([`claude-desktop: Claude Desktop is not installed (no ${desktopDir()})`]);
    mkdirSync(desktopDir(), { recursive: true });
    expect(appHostLines(ctx)[0]).toContain(`not registered in ${config()}`);
    expect((await cli("setup", "--host", "claude-desktop")).exitCode).toBe(0);
    expect(appHostLines(ctx)[0]).toContain(`\n  registered in ${config()}`);
  });
});
