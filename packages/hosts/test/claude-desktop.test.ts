import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Drafts } from "../src/files.js";
import { planHooks, planServer, replan } from "../src/plan.js";
import { hostAdapter, mcpConfigPath, notInstalled } from "../src/registry.js";
import { serverOf } from "./hosts.js";
import { thrown } from "./thrown.js";

const launch = { command: "/usr/bin/node", args: ["--max-semi-space-size=1", "/x/main.js"] };
const install = { launch, hookCommand: "/usr/bin/node /x/main.js" };

describe("Claude Desktop's claude_desktop_config.json", () => {
  it("is found per operating system: XDG on Linux, Application Support on macOS, %APPDATA% on Windows", () => {
    const at = (platform: NodeJS.Platform, env: Record<string, string> = {}, home = "/home/u") => mcpConfigPath("claude-desktop", { home, env, platform });
    expect(at("linux")).toBe("/home/u/.config/Claude/claude_desktop_config.json");
    expect(at("linux", { XDG_CONFIG_HOME: "/cfg" })).toBe("/cfg/Claude/claude_desktop_config.json");
    expect(at("linux", { XDG_CONFIG_HOME: "relative/cfg" })).toBe("/home/u/.config/Claude/claude_desktop_config.json");
    expect(at("darwin")).toBe("/home/u/Library/Application Support/Claude/claude_desktop_config.json");
    expect(at("win32", { APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, "C:\\Users\\u")).toBe(
      "C:\\Users\\u\\AppData\\Roaming\\Claude\\claude_desktop_config.json",
    );
    expect(at("win32", {}, "C:\\Users\\u")).toBe("C:\\Users\\u\\AppData\\Roaming\\Claude\\claude_desktop_config.json");
  });

  it("adds our server beside the user's servers and keys, idempotently, and removes only ours", () => {
    const server = serverOf("claude-desktop");
    const text = '{\n  "mcpServers": {\n    "fs": { "command": "npx", "args": ["fs"] }\n  },\n  "globalShortcut": "Ctrl+Space"\n}\n';
    const added = server.add(text, launch);
    const parsed = JSON.parse(added) as { mcpServers: Record<string, unknown>; globalShortcut: string };
    expect(parsed.mcpServers).toEqual({ fs: { command: "npx", args: ["fs"] }, "subagent-mcp": { command: launch.command, args: launch.args, env: {} } });
    expect(parsed.globalShortcut).toBe("Ctrl+Space");
    expect(server.add(added, launch)).toBe(added);
    expect(server.read(added)).toEqual({ command: launch.command, args: launch.args, env: {} });
    expect(server.remove(added)).toBe(text);
    // A file setup creates is plain JSON, which is all Claude Desktop reads.
    expect(JSON.parse(server.add("", launch))).toEqual({ mcpServers: { "subagent-mcp": { command: launch.command, args: launch.args, env: {} } } });
  });

  it("has no hooks and no instruction file", () => {
    expect(hostAdapter("claude-desktop").hooks).toBeUndefined();
    expect(hostAdapter("claude-desktop").instructions).toBeUndefined();
    expect(planHooks("claude-desktop", { home: "/h", env: {} }, "cmd")).toBeUndefined();
  });

  it("is installed only when its folder exists: planning refuses otherwise, and update skips it once it is gone", () => {
    const home = mkdtempSync(join(tmpdir(), "host-desktop-"));
    const ctx = { home, env: {}, platform: "linux" as const };
    const dir = join(home, ".config", "Claude");
    try {
      expect(notInstalled("claude-desktop", ctx)).toBe(`Claude Desktop is not installed (no ${dir})`);
      expect(notInstalled("claude", ctx)).toBeUndefined();
      const refused = thrown(() => planServer("claude-desktop", ctx, launch));
      expect([refused.code, refused.message]).toEqual(["NOT_INSTALLED", `Claude Desktop is not installed (no ${dir})`]);

      mkdirSync(dir, { recursive: true });
      expect(notInstalled("claude-desktop", ctx)).toBeUndefined();
      const change = planServer("claude-desktop", ctx, launch);
      expect(change).toMatchObject({ path: join(dir, "claude_desktop_config.json"), before: null, private: true });
      const recorded = { kind: "mcp" as const, host: "claude-desktop" as const, ...change };
      expect(replan(recorded, ctx, install, new Drafts())?.after).toBe(change.after);
      rmSync(dir, { recursive: true });
      expect(replan(recorded, ctx, install, new Drafts())).toBeUndefined();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
