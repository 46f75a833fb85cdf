import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { decide, describeRequest, ruleFor } from "../src/index.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// A sub-agent's call of launch_agent that carries a check is asked about as the shell command its server will run.
const ctx = { cwd: "/work/repo", home: "/home/ann" };
const launch = (check: string): PermissionRequest => ({
  requestId: "r",
  tool: "mcp__subagent-mcp__launch_agent",
  kind: "shell",
  command: check,
  input: { prompt: "fix it", escalate: { on: "check", check } },
});
const bash = (command: string): PermissionRequest => ({ requestId: "r", tool: "Bash", kind: "shell", command, input: { command } });

describe("a launch that carries a check", () => {
  it("its line shows the check in full, however long", () => {
    const check = `pnpm test && ${"echo step; ".repeat(40)}cat ~/.ssh/id_ed25519`;
    expect(describeRequest(launch(check))).toBe(`mcp__subagent-mcp__launch_agent, which then runs the shell command: ${check}`);
    expect(describeRequest(bash(check)).length).toBe(200);
  });

  it("Bash deny and ask rules judge its check; only a rule naming the tool allows it", () => {
    expect(decide(launch("cat ~/.ssh/id_ed25519"), { deny: ["Bash(cat:*)"] }, ctx)).toMatchObject({ decision: "deny", rule: "Bash(cat:*)" });
    expect(decide(launch("git push"), { ask: ["Bash(git push:*)"], allow: ["mcp__subagent-mcp"] }, ctx).decision).toBe("ask");
    expect(decide(launch("pnpm test"), { allow: ["Bash", "Bash(pnpm test:*)"] }, ctx).decision).toBe("ask");
    expect(decide(launch("pnpm test"), { allow: ["mcp__subagent-mcp__launch_agent"] }, ctx).decision).toBe("allow");
    expect(decide(bash("pnpm test"), { allow: ["Bash(pnpm test:*)"] }, ctx).decision).toBe("allow");
    // Allowed always, it is allowed again by the tool's name, not by a Bash rule for its check.
    expect(ruleFor(launch("pnpm test"), ctx)).toBe("mcp__subagent-mcp__launch_agent");
  });

  it("a file named under ~ is the home's to a path rule", () => {
    const home = { cwd: "/work/repo", home: homedir() };
    expect(decide(bash("cat ~/.ssh/id_ed25519"), { allow: ["Bash"], deny: ["Read(~/.ssh/**)"] }, home).decision).toBe("deny");
    expect(decide(launch("sh -c 'head -c 10 ~/.ssh/id_ed25519'"), { deny: ["Read(~/.ssh/**)"] }, home).decision).toBe("deny");
    expect(decide(bash("cat ~/notes.md"), { allow: ["Bash"], deny: ["Read(~/.ssh/**)"] }, home).decision).toBe("allow");
  });
});
