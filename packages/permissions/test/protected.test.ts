import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asking, decide, mergeRules, protectedRules } from "../src/index.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// Every sub-agent is kept from the files that let a launch run (the fleet key, the user config,
// the servers' records), by file tools and by shell commands naming them, in every mode.
const home = mkdtempSync(join(tmpdir(), "protected-"));
const env = { XDG_CONFIG_HOME: join(home, "cfg"), XDG_STATE_HOME: join(home, "st") };
const key = join(home, "cfg", "subagent-mcp", "fleet.key");
const servers = join(home, "st", "subagent-mcp", "servers");
mkdirSync(join(home, "cfg", "subagent-mcp"), { recursive: true });
mkdirSync(servers, { recursive: true });
writeFileSync(key, "k\n");
const cwd = join(home, "work");
mkdirSync(cwd);
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

const shell = (command: string): PermissionRequest => ({ requestId: "r", tool: "Bash", kind: "shell", command, input: { command } });
const read = (path: string): PermissionRequest => ({ requestId: "r", tool: "Read", kind: "read", path, input: { file_path: path } });
const rules = protectedRules({ home, env });

describe("the files no sub-agent may touch", () => {
  it("denies reading and editing them, by file tool and by shell command", () => {
    writeFileSync(join(cwd, "x"), "");
    for (const request of [
      read(key),
      shell(`cat ${key}`),
      shell(`base64 < ${key}`),
      shell(`cd /tmp && head -1 '${key}' | tr a b`),
      shell(`cat ${join(home, "cfg", "subagent-mcp", "config.json")}`),
      shell(`cat ${servers}/123.json`),
      shell(`echo x > ${key}`),
    ])
      expect(decide(request, mergeRules(rules, { allow: ["Bash", "Read"] }), { cwd, home }).decision, request.command ?? request.path).toBe("deny");
  });

  it("leaves the rest of the state folder (worktrees live there) to the other rules", () => {
    const tree = join(home, "st", "subagent-mcp", "worktrees", "a", "file.ts");
    expect(decide(read(tree), mergeRules(rules, { allow: ["Read"] }), { cwd, home }).decision).toBe("allow");
    expect(decide(shell("cat x"), mergeRules(rules, { allow: ["Bash"] }), { cwd, home }).decision).toBe("allow");
  });

  it("holds in modes that never ask: the CLI is made to ask, and the rules answer without the orchestrator", () => {
    for (const [mode, level] of [
      ["dontAsk", "default"],
      ["bypassPermissions", "bypassPermissions"],
    ] as const) {
      const asks = asking(mode, level, () => mergeRules(rules, { allow: ["Bash(echo:*)"] }), cwd);
      expect(asks.askPermissions).toBe(true);
      expect(asks.rules?.deny).toEqual(rules.deny);
      expect(asks.permissionPolicy?.(shell(`cat ${key}`))).toMatchObject({ decision: "deny" });
      expect(asks.permissionPolicy?.(shell("echo hi"))).toMatchObject({ decision: "allow" });
      expect(asks.permissionPolicy?.(read(join(cwd, "x")))).toMatchObject({ decision: "allow" });
    }
    // bypassPermissions allows what no deny or ask rule stops; an ask rule still asks.
    const bypass = asking("bypassPermissions", "bypassPermissions", () => mergeRules(rules, { ask: ["Bash(git push:*)"] }), cwd);
    expect(bypass.permissionPolicy?.(shell("rm -rf build"))).toMatchObject({ decision: "allow" });
    expect(bypass.permissionPolicy?.(shell("git push origin"))).toMatchObject({ decision: "ask", rule: "Bash(git push:*)" });
    // dontAsk refuses what no rule allows, and what an ask rule names (nobody is asked); the launch's tools become allow rules.
    const dontAsk = asking("dontAsk", "default", () => mergeRules(rules, { ask: ["Bash(git push:*)"] }), cwd, ["Bash(ls:*)", "mcp__x__y"]);
    expect(dontAsk.allowedTools).toEqual(["mcp__x__y"]);
    expect(dontAsk.permissionPolicy?.(shell("ls"))).toMatchObject({ decision: "allow" });
    expect(dontAsk.permissionPolicy?.(shell("rm -rf build"))).toMatchObject({ decision: "deny" });
    expect(dontAsk.permissionPolicy?.(shell("rm -rf build"))).not.toHaveProperty("rule");
    expect(dontAsk.permissionPolicy?.(shell("git push origin"))).toMatchObject({ decision: "deny", rule: "Bash(git push:*)" });
    // A line the rules cannot read in full passes where an allow rule covers it, as under bypassPermissions.
    const dynamic = shell("cat /proc/$PPID/environ");
    expect(dontAsk.permissionPolicy?.(dynamic)).toMatchObject({ decision: "deny" });
    expect(asking("dontAsk", "default", () => rules, cwd, ["Bash"]).permissionPolicy?.(dynamic)).toMatchObject({ decision: "allow" });
    expect(bypass.permissionPolicy?.(dynamic)).toMatchObject({ decision: "allow" });
    // Without deny or ask rules such a mode is as it was: nothing of ours.
    expect(asking("dontAsk", "default", () => ({ allow: ["Bash"] }), cwd)).toEqual({});
  });
});
