import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyChange, Drafts, revertChange } from "../src/files.js";
import { instructionFiles } from "../src/instructions.js";
import { planHooks, planServer, removeOurs } from "../src/plan.js";
import { hostAdapter, mcpConfigPath, notInstalled } from "../src/registry.js";
import { serverOf } from "./hosts.js";
import { thrown } from "./thrown.js";

const launch = { command: "/usr/bin/node", args: ["--max-semi-space-size=1", "/x/main.js"] };
const QWEN_ENTRY = { command: launch.command, args: launch.args, timeout: 660_000 };
const OPENCODE_ENTRY = { type: "local", command: [launch.command, ...launch.args], enabled: true, timeout: 660_000 };

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "host-qwen-opencode-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("Qwen Code's settings.json", () => {
  it("is $QWEN_HOME/settings.json (a leading ~ is the home), default ~/.qwen/settings.json", () => {
    const at = (env: Record<string, string>) => mcpConfigPath("qwen", { home: "/home/u", env });
    expect(at({})).toBe("/home/u/.qwen/settings.json");
    expect(at({ QWEN_HOME: "" })).toBe("/home/u/.qwen/settings.json");
    expect(at({ QWEN_HOME: "/cfg/qwen" })).toBe("/cfg/qwen/settings.json");
    expect(at({ QWEN_HOME: "~/dot/qwen" })).toBe("/home/u/dot/qwen/settings.json");
    expect(hostAdapter("qwen").instructions?.global({ home: "/home/u", env: {} })).toBe("/home/u/.qwen/QWEN.md");
  });

  it("adds our server beside the user's, with a timeout in ms above the longest wait, idempotently, and removes exactly it", () => {
    const server = serverOf("qwen");
    const text = '{\n  // mine\n  "mcpServers": {\n    "fs": { "command": "npx", "args": ["fs"] }\n  },\n  "$version": 4,\n}\n';
    const added = server.add(text, launch);
    expect(added).toContain("// mine");
    expect(server.read(added)).toEqual(QWEN_ENTRY);
    expect(server.add(added, launch)).toBe(added);
    expect(server.remove(added)).toBe(text);
  });

  it("a file setup creates carries Qwen Code's settings version, so that Qwen Code leaves it as written", () => {
    const created = serverOf("qwen").add("", launch);
    expect(JSON.parse(created)).toEqual({ $version: 4, mcpServers: { "subagent-mcp": QWEN_ENTRY } });
    expect(created.endsWith("}\n")).toBe(true);
  });

  it("gets no hooks (ours do not answer Qwen Code's), and the project's AGENTS.md, which it reads, for instructions", () => {
    expect(planHooks("qwen", { home, env: {} }, "cmd")).toBeUndefined();
    expect(hostAdapter("qwen").noHooks).toBe("subagent-mcp does not answer Qwen Code's hooks");
    expect(instructionFiles({ root: "/p" })).toEqual(["/p/AGENTS.md", "/p/CLAUDE.md", "/p/GEMINI.md"]);
  });
});

describe("OpenCode's global config", () => {
  const dir = () => join(home, ".config", "opencode");
  const ctx = () => ({ home, env: {} });

  it("is in $XDG_CONFIG_HOME/opencode (default ~/.config/opencode): the opencode.jsonc, opencode.json or config.json there, else a new opencode.json", () => {
    expect(mcpConfigPath("opencode", { home: "/home/u", env: { XDG_CONFIG_HOME: "/xdg" } })).toBe("/xdg/opencode/opencode.json");
    expect(mcpConfigPath("opencode", ctx())).toBe(join(dir(), "opencode.json"));
    mkdirSync(dir(), { recursive: true });
    writeFileSync(join(dir(), "config.json"), "{}");
    expect(mcpConfigPath("opencode", ctx())).toBe(join(dir(), "config.json"));
    writeFileSync(join(dir(), "opencode.json"), "{}");
    expect(mcpConfigPath("opencode", ctx())).toBe(join(dir(), "opencode.json"));
    writeFileSync(join(dir(), "opencode.jsonc"), "{}");
    expect(mcpConfigPath("opencode", ctx())).toBe(join(dir(), "opencode.jsonc"));
    expect(hostAdapter("opencode").instructions?.global(ctx())).toBe(join(dir(), "AGENTS.md"));
    expect(notInstalled("opencode", ctx())).toBeUndefined();
  });

  it("adds a local server under `mcp` beside the user's, idempotently, and removes exactly it", () => {
    const server = serverOf("opencode");
    const text =
      '{\n  "$schema": "https://opencode.ai/config.json",\n  // my servers\n  "mcp": {\n    "fs": { "type": "local", "command": ["npx", "fs"] }, // keep\n  },\n  "model": "anthropic/claude-sonnet-4-5"\n}';
    const added = server.add(text, launch);
    expect(added).toContain("// keep");
    expect(server.read(added)).toEqual(OPENCODE_ENTRY);
    expect(server.add(added, launch)).toBe(added);
    expect(server.remove(added)).toBe(text);
    // The user's `mcpServers` (another host's shape) is not OpenCode's and is left alone.
    expect(server.read(server.add('{ "mcpServers": { "subagent-mcp": {} } }', launch))).toEqual(OPENCODE_ENTRY);
  });

  it("a file setup creates starts as OpenCode's own does, with its $schema", () => {
    expect(JSON.parse(serverOf("opencode").add("", launch))).toEqual({ $schema: "https://opencode.ai/config.json", mcp: { "subagent-mcp": OPENCODE_ENTRY } });
    expect(planHooks("opencode", ctx(), "cmd")).toBeUndefined();
  });
});

describe("Qwen Code's and OpenCode's files on disk", () => {
  const files = () => ({ qwen: join(home, ".qwen", "settings.json"), opencode: join(home, ".config", "opencode", "opencode.json") });
  const backups = () => join(home, "backups");

  it.each([
    ["qwen", '{\n  "mcpServers": {,\n}\n', "UNPARSEABLE", ":2:18: not valid JSON (ValueExpected)"],
    ["qwen", '{ "mcpServers": [] }\n', "WRONG_TYPE", '"mcpServers" is an array, not an object'],
    ["opencode", '{ "mcp": "off" }\n', "WRONG_TYPE", '"mcp" is a string, not an object'],
    ["opencode", '{\n  "mcp": { "x": 1 }\n  "model": "a"\n}\n', "UNPARSEABLE", "not valid JSON (CommaExpected)"],
  ] as const)("%s: refuses %j, naming the file, and plans nothing", (host, text, code, why) => {
    const path = files()[host];
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    const error = thrown(() => planServer(host, { home, env: {} }, launch, new Drafts()));
    expect([error.code, error.file]).toEqual([code, path]);
    expect(error.message).toContain(why);
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  for (const host of ["qwen", "opencode"] as const) {
    it(`${host}: writes through a symlinked config to its target, keeps its mode, and reverts it byte for byte`, () => {
      const path = files()[host];
      mkdirSync(join(path, ".."), { recursive: true });
      mkdirSync(join(home, "dotfiles"));
      const target = join(home, "dotfiles", "config.json");
      const mine = '{\n  // mine\n  "theme": "dark"\n}\n';
      writeFileSync(target, mine);
      chmodSync(target, 0o640);
      symlinkSync(target, path);
      const change = planServer(host, { home, env: {} }, launch, new Drafts());
      expect(change.path).toBe(path);
      applyChange(change, backups());
      expect(lstatSync(path).isSymbolicLink()).toBe(true);
      expect(readlinkSync(path)).toBe(target);
      expect(serverOf(host).read(readFileSync(target, "utf8"))).toBeDefined();
      expect(statSync(target).mode & 0o777).toBe(0o640);
      // Planned again, nothing changes.
      const again = planServer(host, { home, env: {} }, launch, new Drafts());
      expect(again.before).toBe(again.after);
      const recorded = { kind: "mcp" as const, host, ...change };
      expect(revertChange(change, removeOurs(recorded))).toBe("restored");
      expect(readFileSync(target, "utf8")).toBe(mine);
      expect(lstatSync(path).isSymbolicLink()).toBe(true);
      expect(statSync(target).mode & 0o777).toBe(0o640);
    });

    it(`${host}: a config setup creates is 0600, and once the user has edited it, reverting takes out only ours`, () => {
      const path = files()[host];
      const change = planServer(host, { home, env: {} }, launch, new Drafts());
      expect(change.before).toBeNull();
      applyChange(change, backups());
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const edited = readFileSync(path, "utf8").replace(/^\{\n/, '{\n  "theme": "dark",\n');
      writeFileSync(path, edited);
      const recorded = { kind: "mcp" as const, host, ...change };
      expect(revertChange(change, removeOurs(recorded))).toBe("removed");
      const left = readFileSync(path, "utf8");
      expect(serverOf(host).read(left)).toBeUndefined();
      expect(left).toContain('"theme": "dark"');
      expect(statSync(path).mode & 0o777).toBe(0o600);
    });
  }
});
