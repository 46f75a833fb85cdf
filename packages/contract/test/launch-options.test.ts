import { describe, expect, it } from "vitest";
import { z } from "zod";
import { launchOptionIssues, launchOptionRules, LaunchOptionsSchema, needsTrust, TRUST_NEEDING_OPTIONS, trustNeeded } from "../src/index.js";

const messages = (o: Parameters<typeof launchOptionIssues>[0]): string[] => launchOptionIssues(o).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("the launch options' cross-field rules, written once", () => {
  it("take a launch whose options fit together", () => {
    expect(launchOptionIssues({})).toEqual([]);
    expect(launchOptionIssues({ isolation: "worktree", base: "main", escalate: { on: "check", check: "make test" }, mcp_servers: ["inherit"] })).toEqual([]);
    expect(launchOptionIssues({ machine: "b", cwd: "/srv/repo", isolation: "worktree", base: "main", mcp_servers: [] })).toEqual([]);
  });

  it("refuse a base without a worktree", () => {
    expect(messages({ base: "main" })).toEqual(['base: base needs isolation: "worktree"']);
    expect(messages({ base: "main", isolation: "none" })).toEqual(['base: base needs isolation: "worktree"']);
  });

  it("refuse on another machine what runs here or reads this machine's files: an escalation, MCP servers, a relative cwd", () => {
    expect(messages({ machine: "b", escalate: { on: "error" } })).toEqual([expect.stringMatching(/^escalate: escalate is not offered with machine/)]);
    expect(messages({ machine: "any", escalate: { on: "check", check: "make test" } })).toEqual([expect.stringMatching(/^escalate: /)]);
    expect(messages({ machine: "b", mcp_servers: ["inherit"] })).toEqual(["mcp_servers: mcp_servers are this machine's MCP servers: not offered with machine"]);
    expect(messages({ machine: "b", cwd: "srv" })).toEqual(["cwd: cwd must be an absolute path on the machine"]);
    // Here a relative cwd is the server's folder's.
    expect(messages({ cwd: "srv" })).toEqual([]);
  });

  it("apply as a zod refinement, the issues at their option's path, without changing the JSON Schema", () => {
    const Entry = LaunchOptionsSchema.pick({ machine: true, escalate: true, base: true, isolation: true });
    const ruled = Entry.superRefine(launchOptionRules);
    const parsed = ruled.safeParse({ machine: "b", escalate: { on: "error" }, base: "main" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(["base", "escalate"]);
    expect(ruled.safeParse({ machine: "b" }).success).toBe(true);
    expect(JSON.stringify(z.toJSONSchema(ruled))).toBe(JSON.stringify(z.toJSONSchema(Entry)));
  });
});

describe("the launch options that need trust in a project's file", () => {
  it("are listed in one place", () => {
    expect(TRUST_NEEDING_OPTIONS).toEqual(["mcp_servers", "machine", "permission_mode", "allowed_tools", "permissions", "escalate"]);
  });

  it("name what of each value needs it", () => {
    expect(
      trustNeeded({
        mcp_servers: ["github", { name: "db", command: "db-mcp" }],
        machine: "b",
        permission_mode: "bypassPermissions",
        allowed_tools: ["Read", "Grep(src/**)", "Bash"],
        permissions: { allow: ["Edit"], deny: ["Bash(rm:*)"] },
        escalate: { check: "make test" },
      }),
    ).toEqual([
      "mcp_servers github, db",
      "machine b",
      "permission_mode bypassPermissions",
      "allowed_tools Bash",
      "permissions.allow Edit",
      "escalate.check (make test)",
    ]);
  });

  it("leave out what only reads, narrows or escalates on errors", () => {
    expect(
      trustNeeded({ mcp_servers: [], permission_mode: "acceptEdits", allowed_tools: ["Read", "read_file"], permissions: { deny: ["Bash"] }, escalate: {} }),
    ).toEqual([]);
    expect(needsTrust("permission_mode", "read-only")).toBe(false);
    expect(needsTrust("permission_mode", "yolo")).toBe(true);
    expect(needsTrust("escalate", { check: "x" })).toBe(true);
    expect(needsTrust("machine", undefined)).toBe(false);
  });
});
