import {
  chmodSync,
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
import { hostAdapter } from "@subagent-mcp/hosts";
import { bin } from "./e2e.js";

// Qwen Code and OpenCode as hosts: our built binary in a fresh HOME, with stand-ins for the `qwen`
// and `opencode` commands on PATH (setup only looks them up; neither is run).

let root: string;
let home: string;
let env: Record<string, string>;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "subagent-mcp-qwen-opencode-"));
  home = join(root, "home");
  mkdirSync(home);
  const binDir = join(root, "bin");
  mkdirSync(binDir);
  for (const name of ["qwen", "opencode"]) writeFileSync(join(binDir, name), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  env = { PATH: binDir, HOME: home, XDG_STATE_HOME: join(home, ".local", "state") };
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => execa(process.execPath, [bin, ...args], { cwd: root, env, extendEnv: false, reject: false });
const mode = (path: string) => statSync(path).mode & 0o777;
const qwenSettings = () => join(home, ".qwen", "settings.json");
const opencodeDir = () => join(home, ".config", "opencode");
const ours = (host: "qwen" | "opencode", path: string) => hostAdapter(host).server.read(readFileSync(path, "utf8"));
const launch = { command: process.execPath, args: ["--max-semi-space-size=1", bin] };

const QWEN_USER = `{
  // my Qwen Code settings
  "security": { "auth": { "selectedType": "openai" } },
  "mcpServers": {
    "fs": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"] }, // keep me
  },
  "$version": 4
}
`;
const OPENCODE_USER = `{
  "$schema": "https://opencode.ai/config.json",
  // my servers
  "mcp": {
    "fs": { "type": "local", "command": ["npx", "-y", "@modelcontextprotocol/server-filesystem", "/tmp"] }
  },
  "model": "anthropic/claude-sonnet-4-5",
}`;

describe("setup --host qwen,opencode", () => {
  it("registers our server in the user's own files, keeps their bytes and modes, is idempotent, and uninstall gives them back byte for byte", async () => {
    mkdirSync(join(home, ".qwen"));
    mkdirSync(opencodeDir(), { recursive: true });
    const opencodeConfig = join(opencodeDir(), "opencode.jsonc");
    writeFileSync(qwenSettings(), QWEN_USER);
    writeFileSync(opencodeConfig, OPENCODE_USER);
    chmodSync(qwenSettings(), 0o640);
    chmodSync(opencodeConfig, 0o644);

    const setup = await cli("setup", "--host", "qwen,opencode");
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`qwen: registered subagent-mcp in ${qwenSettings()} (backup: `);
    expect(setup.stdout).toContain(`opencode: registered subagent-mcp in ${opencodeConfig} (backup: `);
    expect(setup.stdout).toContain("qwen: no orchestration hooks (subagent-mcp does not answer Qwen Code's hooks)");
    expect(setup.stdout).toContain("opencode: no orchestration hooks (OpenCode's plugins are JavaScript, not command hooks)");
    expect(ours("qwen", qwenSettings())).toEqual({ ...launch, timeout: 660_000 });
    expect(ours("opencode", opencodeConfig)).toEqual({ type: "local", command: [launch.command, ...launch.args], enabled: true, timeout: 660_000 });
    expect(readFileSync(qwenSettings(), "utf8")).toContain("}, // keep me");
    expect(readFileSync(opencodeConfig, "utf8")).toContain("// my servers");
    // An opencode.jsonc is the file OpenCode itself edits: no opencode.json appears beside it.
    expect(readdirSync(opencodeDir())).toEqual(["opencode.jsonc"]);
    expect([mode(qwenSettings()), mode(opencodeConfig)]).toEqual([0o640, 0o644]);

    const again = await cli("setup", "--host", "qwen,opencode");
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout.match(/already up to date/g)).toHaveLength(2);

    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(uninstall.stdout).toContain(`${qwenSettings()}: restored`);
    expect(readFileSync(qwenSettings(), "utf8")).toBe(QWEN_USER);
    expect(readFileSync(opencodeConfig, "utf8")).toBe(OPENCODE_USER);
    expect([mode(qwenSettings()), mode(opencodeConfig)]).toEqual([0o640, 0o644]);
  });

  it("a plain setup finds both on PATH, creates their files 0600, and uninstall deletes them again", async () => {
    const setup = await cli("setup");
    expect(setup.exitCode, setup.stderr).toBe(0);
    const opencodeConfig = join(opencodeDir(), "opencode.json");
    expect(setup.stdout).toContain(`qwen: registered subagent-mcp in ${qwenSettings()}\n`);
    expect(setup.stdout).toContain(`opencode: registered subagent-mcp in ${opencodeConfig}\n`);
    expect(setup.stdout).toContain("claude-desktop: Claude Desktop is not installed");
    expect(setup.stdout).not.toMatch(/^(claude|codex|gemini):/m);
    expect([mode(qwenSettings()), mode(opencodeConfig)]).toEqual([0o600, 0o600]);
    // Each starts as its host writes a new one: Qwen Code's settings version, OpenCode's $schema.
    expect(JSON.parse(readFileSync(qwenSettings(), "utf8"))).toMatchObject({ $version: 4 });
    expect(JSON.parse(readFileSync(opencodeConfig, "utf8"))).toMatchObject({ $schema: "https://opencode.ai/config.json" });

    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(existsSync(qwenSettings())).toBe(false);
    expect(existsSync(opencodeConfig)).toBe(false);
  });

  it("follows $QWEN_HOME and $XDG_CONFIG_HOME, writes through a symlinked config, and update then uninstall keep the user's later edit", async () => {
    env.QWEN_HOME = join(root, "qwen-home");
    env.XDG_CONFIG_HOME = join(root, "xdg");
    mkdirSync(env.QWEN_HOME);
    mkdirSync(join(root, "xdg", "opencode"), { recursive: true });
    mkdirSync(join(root, "dotfiles"));
    const target = join(root, "dotfiles", "opencode.json");
    writeFileSync(target, OPENCODE_USER);
    chmodSync(target, 0o640);
    const link = join(root, "xdg", "opencode", "opencode.json");
    symlinkSync("../../dotfiles/opencode.json", link);

    const setup = await cli("setup", "--host", "qwen,opencode");
    expect(setup.exitCode, setup.stderr).toBe(0);
    const qwenFile = join(env.QWEN_HOME, "settings.json");
    expect(ours("qwen", qwenFile)).toBeDefined();
    expect(existsSync(join(home, ".qwen"))).toBe(false);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("../../dotfiles/opencode.json");
    expect(ours("opencode", target)).toBeDefined();
    expect(mode(target)).toBe(0o640);
    expect(readdirSync(join(root, "dotfiles"))).toEqual(["opencode.json"]);

    // The user edits the file and our entry goes stale (an older install's path); update re-applies it.
    const edited = readFileSync(target, "utf8").replace('"model"', '"theme": "dark",\n  "model"').replace(process.execPath, "/old/node");
    writeFileSync(target, edited);
    const update = await cli("update");
    expect(update.exitCode, update.stderr).toBe(0);
    expect(readFileSync(target, "utf8")).toBe(edited.replace("/old/node", process.execPath));
    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(readFileSync(target, "utf8")).toBe(OPENCODE_USER.replace('"model"', '"theme": "dark",\n  "model"'));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(existsSync(qwenFile)).toBe(false);
  });

  it.each([
    ["qwen", ".qwen/settings.json", '{\n  "mcpServers": [],\n}\n', '"mcpServers" is an array, not an object'],
    ["opencode", ".config/opencode/opencode.json", '{\n  "mcp": {\n    "fs": {}\n  \n}\n', "not valid JSON"],
    ["opencode", ".config/opencode/opencode.json", '{ "mcp": true }', '"mcp" is a boolean, not an object'],
  ])("%s: refuses %s holding %j, writing no host's file", async (host, file, text, why) => {
    const path = join(home, file);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    const setup = await cli("setup", "--host", host === "qwen" ? "opencode,qwen" : "qwen,opencode");
    expect(setup.exitCode).not.toBe(0);
    expect(setup.stderr).toContain(path);
    expect(setup.stderr).toContain(why);
    expect(setup.stderr).toContain("nothing was changed");
    expect(readFileSync(path, "utf8")).toBe(text);
    const other = host === "qwen" ? join(opencodeDir(), "opencode.json") : qwenSettings();
    expect(existsSync(other)).toBe(false);
    expect(existsSync(join(home, ".local", "state"))).toBe(false);
  });
});
