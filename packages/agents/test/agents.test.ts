import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { composeSystemPrompt, definitionSources, loadAgentDefinitions, type SearchContext } from "../src/index.js";

function tree(files: Record<string, string>): SearchContext {
  const root = mkdtempSync(join(tmpdir(), "agents-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { cwd: join(root, "project"), home: join(root, "home"), env: {} };
}

const REVIEWER = `---
name: reviewer
description: Reviews code
tools: Read, Grep, Bash
model: sonnet
color: blue
skills: [style]
expertise:
  - typescript
---
You review code carefully.
`;

describe("loadAgentDefinitions", () => {
  it("loads a Claude Code agent file, mapping its fields and warning about unused ones", () => {
    const ctx = tree({ "project/.claude/agents/reviewer.md": REVIEWER });
    const { definitions, warnings, errors } = loadAgentDefinitions(ctx);
    expect(errors).toEqual([]);
    expect(definitions).toEqual([
      expect.objectContaining({
        name: "reviewer",
        provider: "claude",
        model: "sonnet",
        allowedTools: ["Read", "Grep", "Bash"],
        skills: ["style"],
        expertise: ["typescript"],
        replicas: 1,
        body: "You review code carefully.",
      }),
    ]);
    expect(warnings).toEqual([expect.objectContaining({ line: 6, message: expect.stringContaining('"color"') as string })]);
  });

  it("applies precedence: env dirs, project .subagent-mcp, project .claude, user dirs; shadowed ones warn", () => {
    const agent = (provider: string) => `---\nname: twin\nprovider: ${provider}\n---\nbody\n`;
    const ctx = tree({
      "project/.claude/agents/twin.md": agent("gemini"),
      "project/.subagent-mcp/agents/twin.md": agent("codex"),
      "home/.claude/agents/twin.md": agent("claude"),
      "home/.claude/agents/solo.md": "---\nname: solo\n---\nsolo body\n",
    });
    const first = loadAgentDefinitions(ctx);
    expect(first.definitions.map((d) => [d.name, d.provider])).toEqual([
      ["twin", "codex"],
      ["solo", "claude"],
    ]);
    expect(first.warnings.filter((w) => w.message.includes("shadowed"))).toHaveLength(2);
    const envDir = join(ctx.home, "extra");
    mkdirSync(envDir);
    writeFileSync(join(envDir, "t.md"), agent("gemini"));
    expect(loadAgentDefinitions({ ...ctx, env: { SUBAGENT_MCP_AGENTS_PATH: envDir } }).definitions[0]?.provider).toBe("gemini");
  });

  it("loads BOM + CRLF files, composing byte-identically to the LF version", () => {
    const lf = "---\nname: same\nskills: [s]\n---\nLine one.\nLine two.\n";
    const crlf = `\uFEFF${lf.replace(/\n/g, "\r\n")}`;
    const skill = "---\nname: s\n---\nSkill text.\n";
    const a = tree({ "project/.claude/agents/same.md": lf, "project/.claude/skills/s/SKILL.md": skill });
    const b = tree({ "project/.claude/agents/same.md": crlf, "project/.claude/skills/s/SKILL.md": skill.replace(/\n/g, "\r\n") });
    const [da] = loadAgentDefinitions(a).definitions;
    const [db] = loadAgentDefinitions(b).definitions;
    if (da === undefined || db === undefined) throw new Error("not loaded");
    const pa = composeSystemPrompt(da, a);
    const pb = composeSystemPrompt(db, b);
    expect(pb).toBe(pa);
    expect(pa).toBe("Line one.\nLine two.\n\n## Skill: s\n\nSkill text.\n");
    // Byte-stable: composing again gives the very same bytes.
    const [again] = loadAgentDefinitions(a).definitions;
    if (again === undefined) throw new Error("not loaded");
    expect(composeSystemPrompt(again, a)).toBe(pa);
  });

  it("reports YAML syntax errors and schema errors with file and line; good files still load", () => {
    const ctx = tree({
      "project/.claude/agents/broken.md": "---\nname: broken\ntools: [Read\n---\nx\n",
      "project/.claude/agents/badkey.md": "---\nname: badkey\nreplicas: many\n---\nx\n",
      "project/.claude/agents/good.md": "---\nname: good\n---\nx\n",
      "project/.claude/agents/nofront.md": "just text\n",
    });
    const { definitions, errors } = loadAgentDefinitions(ctx);
    expect(definitions.map((d) => d.name)).toEqual(["good"]);
    const byFile = (f: string) => errors.find((e) => e.file.endsWith(f));
    expect(byFile("badkey.md")).toMatchObject({ line: 3, message: expect.stringContaining("replicas") as string });
    expect(byFile("broken.md")?.line).toBeGreaterThanOrEqual(3);
    expect(byFile("broken.md")?.message).toMatch(/YAML/);
    expect(byFile("nofront.md")).toMatchObject({ line: 1 });
  });

  it("reads permissions {allow, deny, ask} as lists of rules (a rule may hold a comma); other keys are errors", () => {
    const ctx = tree({
      "project/.claude/agents/ruled.md": "---\nname: ruled\npermissions:\n  allow: ['Bash(npm test:*)', 'Bash(echo a, b)']\n  ask: [Edit]\n---\nx\n",
      "project/.claude/agents/typo.md": "---\nname: typo\npermissions:\n  alow: [Read]\n---\nx\n",
    });
    const { definitions, errors } = loadAgentDefinitions(ctx);
    expect(definitions).toEqual([expect.objectContaining({ name: "ruled", permissions: { allow: ["Bash(npm test:*)", "Bash(echo a, b)"], ask: ["Edit"] } })]);
    expect(errors).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining("permissions") as string })]);
  });

  it("reads machine and, only with it, a cwd that is an absolute path there", () => {
    const ctx = tree({
      "project/.claude/agents/far.md": "---\nname: far\nmachine: box-1\ncwd: /srv/checkout\n---\nx\n",
      "project/.claude/agents/here.md": "---\nname: here\ncwd: /srv/checkout\n---\nx\n",
      "project/.claude/agents/rel.md": "---\nname: rel\nmachine: any\ncwd: srv\n---\nx\n",
    });
    const { definitions, errors } = loadAgentDefinitions(ctx);
    expect(definitions).toEqual([expect.objectContaining({ name: "far", machine: "box-1", cwd: "/srv/checkout" })]);
    expect(errors.map((e) => e.message).sort()).toEqual([
      "cwd: cwd is only for an agent on another machine (with machine:); here it works in the server's folder",
      "cwd: cwd must be an absolute path on the machine",
    ]);
  });

  it("reads escalate (launch_agent's shape) and category as ours, without warnings", () => {
    const ctx = tree({
      "project/.claude/agents/checked.md":
        "---\nname: checked\nprovider: gemini\nescalate:\n  on: check\n  check: pnpm test\n  max_steps: 2\ncategory: coding\n---\nx\n",
      "project/.claude/agents/erring.md": "---\nname: erring\nescalate: { on: error }\n---\nx\n",
    });
    const { definitions, errors, warnings } = loadAgentDefinitions(ctx);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(definitions).toEqual([
      expect.objectContaining({ name: "checked", escalate: { on: "check", check: "pnpm test", max_steps: 2 }, category: "coding" }),
      expect.objectContaining({ name: "erring", escalate: { on: "error" } }),
    ]);
    expect(definitions[1]).not.toHaveProperty("category");
  });

  it("refuses an escalate on check without a check, an unknown key in it, and combinations whose check could not see the work", () => {
    const ctx = tree({
      "project/.claude/agents/nocheck.md": "---\nname: nocheck\ndescription: d\nescalate:\n  on: check\n---\nx\n",
      "project/.claude/agents/typo.md": "---\nname: typo\nescalate: { on: error, max_step: 2 }\n---\nx\n",
      "project/.claude/agents/steps.md": "---\nname: steps\nescalate: { on: error, max_steps: 9 }\n---\nx\n",
      "project/.claude/agents/isolated.md": "---\nname: isolated\nisolation: worktree\nescalate: { on: check, check: make test }\n---\nx\n",
      "project/.claude/agents/far.md": "---\nname: far\nmachine: box-1\nescalate: { on: error }\n---\nx\n",
    });
    const { definitions, errors } = loadAgentDefinitions(ctx);
    expect(definitions).toEqual([]);
    const by = new Map(errors.map((e) => [e.agent, e]));
    // Named by agent and line, as other frontmatter errors are.
    expect(by.get("nocheck")).toMatchObject({ line: 4, message: 'escalate.check: on "check" needs a check command' });
    expect(by.get("typo")?.message).toMatch(/^escalate: Unrecognized key/);
    expect(by.get("steps")?.message).toMatch(/^escalate\.max_steps: /);
    expect(by.get("isolated")?.message).toMatch(/^escalate: escalate is not offered with isolation: worktree yet/);
    expect(by.get("far")?.message).toMatch(/^escalate: escalate is not offered with machine/);
  });

  it("holds its launch options to launch_agent's rules: a base needs a worktree, MCP servers stay on this machine", () => {
    const ctx = tree({
      "project/.claude/agents/based.md": "---\nname: based\nisolation: worktree\nbase: main\n---\nx\n",
      "project/.claude/agents/baseless.md": "---\nname: baseless\nbase: main\n---\nx\n",
      "project/.claude/agents/served.md": "---\nname: served\nmachine: box-1\nmcpServers: [github]\n---\nx\n",
    });
    const { definitions, errors } = loadAgentDefinitions(ctx);
    expect(definitions).toEqual([expect.objectContaining({ name: "based", base: "main" })]);
    const by = new Map(errors.map((e) => [e.agent, e.message]));
    expect(by.get("baseless")).toBe('base: base needs isolation: "worktree"');
    expect(by.get("served")).toBe("mcp_servers: mcp_servers are this machine's MCP servers: not offered with machine");
  });

  it("does not end the frontmatter at a --- inside a value", () => {
    const ctx = tree({ "project/.claude/agents/d.md": "---\nname: d\ndescription: before --- after\nprovider: codex\n---\nbody\n" });
    expect(loadAgentDefinitions(ctx).definitions[0]).toMatchObject({ description: "before --- after", provider: "codex", body: "body" });
  });

  it("rejects unsafe names for agents and skills", () => {
    const ctx = tree({
      "project/.claude/agents/evil.md": "---\nname: ../evil\n---\nx\n",
      "project/.claude/agents/slash.md": "---\nname: ok\nskills: [a/b]\n---\nx\n",
    });
    const { definitions, errors } = loadAgentDefinitions(ctx);
    expect(definitions).toEqual([]);
    expect(errors.map((e) => e.message).join("\n")).toMatch(/name.*letters, digits/);
  });

  it("never follows a skill out of its directory, and names the files tried for a missing one", () => {
    const ctx = tree({
      "project/.claude/agents/a.md": "---\nname: a\nskills: [escape]\n---\nx\n",
      "project/.claude/agents/b.md": "---\nname: b\nexpertise: [nothere]\n---\nx\n",
      "secret/SKILL.md": "top secret\n",
    });
    mkdirSync(join(ctx.cwd, ".claude", "skills"), { recursive: true });
    symlinkSync(join(ctx.cwd, "..", "secret"), join(ctx.cwd, ".claude", "skills", "escape"));
    const [a, b] = loadAgentDefinitions(ctx).definitions;
    if (a === undefined || b === undefined) throw new Error("not loaded");
    expect(() => composeSystemPrompt(a, ctx)).toThrow(/resolves outside/);
    expect(() => composeSystemPrompt(b, ctx)).toThrow(/expertise "nothere" not found \(tried .*\.subagent-mcp\/expertise\/nothere\.md/);
  });

  it("tags each definition with its directory's scope and the sha256 of its bytes; issues name their agent", () => {
    const text = "---\nname: p\n---\nproject one\n";
    const ctx = tree({
      "project/.claude/agents/p.md": text,
      "home/.config/subagent-mcp/agents/u.md": "---\nname: u\n---\nx\n",
      "env/e.md": "---\nname: e\n---\nx\n",
      "project/.claude/agents/bad.md": "---\nname: named\nreplicas: 0\n---\nx\n",
    });
    const env = { SUBAGENT_MCP_AGENTS_PATH: join(ctx.cwd, "..", "env") };
    const loaded = loadAgentDefinitions({ ...ctx, env });
    expect(loaded.definitions.map((d) => [d.name, d.scope])).toEqual([
      ["e", "env"],
      ["p", "project"],
      ["u", "user"],
    ]);
    expect(loaded.definitions.find((d) => d.name === "p")?.sha256).toBe(createHash("sha256").update(text).digest("hex"));
    expect(loaded.errors).toEqual([expect.objectContaining({ agent: "named", line: 3 })]);
  });

  it("reads a folder listed twice once, as its most trusted scope (a project at $HOME)", () => {
    const ctx = tree({ "home/.claude/agents/mine.md": "---\nname: mine\n---\nx\n" });
    const atHome = { ...ctx, cwd: ctx.home };
    expect(definitionSources(atHome).map((s) => [s.dir, s.scope])).toEqual([
      [join(ctx.home, ".subagent-mcp", "agents"), "project"],
      [join(ctx.home, ".claude", "agents"), "user"],
      [join(ctx.home, ".config", "subagent-mcp", "agents"), "user"],
    ]);
    const loaded = loadAgentDefinitions(atHome);
    expect(loaded.definitions.map((d) => [d.name, d.scope])).toEqual([["mine", "user"]]);
    expect(loaded.warnings).toEqual([]);
  });
});
