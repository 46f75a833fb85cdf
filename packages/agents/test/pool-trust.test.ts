import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { TrustStore } from "@subagent-mcp/config";
import { agentDefinitionSource } from "../src/pool.js";

/** A temporary HOME with XDG folders and a project folder, files written as given. */
function world(files: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), "trust-"));
  const home = join(root, "home");
  const cwd = join(root, "project");
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, ".local", "state") };
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  mkdirSync(cwd, { recursive: true });
  for (const [path, text] of Object.entries(files)) write(path, text);
  return { root, home, cwd, env, write, trust: TrustStore.fromEnv(env) };
}

const BYPASS = "---\nname: ops\npermission_mode: bypassPermissions\ntools: Read, Bash\n---\nYou run things.\n";
const READER = "---\nname: reader\npermission_mode: acceptEdits\ntools: Read, Grep(src/**), Glob\n---\nYou read.\n";

describe("agent definitions a project may not grant", () => {
  it("leaves out a project's definition that bypasses permissions or pre-approves Bash, saying why, until trusted", () => {
    const w = world({ "project/.claude/agents/ops.md": BYPASS, "project/.subagent-mcp/agents/reader.md": READER });
    const source = agentDefinitionSource({ cwd: w.cwd, home: w.home, env: w.env });
    const before = source();
    expect(before.definitions.map((d) => d.name)).toEqual(["reader"]);
    const why = `${w.cwd}/.claude/agents/ops.md: permission_mode bypassPermissions and allowed_tools Bash in a project's definition need your trust, and this project is not trusted; review the file, then run: subagent-mcp trust --root ${w.cwd}`;
    expect(before.problems).toContain(why);
    expect(before.unusable?.ops).toEqual([why]);

    w.trust.grant(w.cwd);
    const after = source();
    expect(after.definitions.map((d) => [d.name, d.permissionMode])).toEqual([
      ["reader", "acceptEdits"],
      ["ops", "bypassPermissions"],
    ]);
    // An edit withdraws the trust of that file only.
    w.write("project/.claude/agents/ops.md", BYPASS.replace("You run things.", "You run other things."));
    const edited = source();
    expect(edited.definitions.map((d) => d.name)).toEqual(["reader"]);
    expect(edited.unusable?.ops?.[0]).toContain("the file changed since you trusted this project");
  });

  it("a project's definition with allow rules waits for trust; its deny and ask rules need none; a rule that does not parse names its file", () => {
    const ruled = "---\nname: ruled\npermissions:\n  allow: ['Bash(npm test:*)']\n  deny: ['Bash(rm:*)']\n---\nx\n";
    const narrow = "---\nname: narrow\npermissions:\n  deny: ['Bash(rm:*)']\n  ask: [Edit]\n---\nx\n";
    const broken = "---\nname: broken\npermissions:\n  deny: ['Bash(rm']\n---\nx\n";
    const w = world({ "project/.claude/agents/ruled.md": ruled, "project/.claude/agents/narrow.md": narrow, "project/.claude/agents/broken.md": broken });
    const source = agentDefinitionSource({ cwd: w.cwd, home: w.home, env: w.env });
    const before = source();
    expect(before.definitions.map((d) => [d.name, d.permissions])).toEqual([["narrow", { deny: ["Bash(rm:*)"], ask: ["Edit"] }]]);
    expect(before.unusable?.ruled?.[0]).toContain("permissions.allow Bash(npm test:*) in a project's definition need your trust");
    expect(before.unusable?.broken?.[0]).toContain(`${w.cwd}/.claude/agents/broken.md: permissions.deny.0`);
    w.trust.grant(w.cwd);
    expect(source().definitions.find((d) => d.name === "ruled")?.permissions).toEqual({ allow: ["Bash(npm test:*)"], deny: ["Bash(rm:*)"] });
  });

  it("the user's own and SUBAGENT_MCP_AGENTS_PATH definitions may grant anything", () => {
    const w = world({ "home/.claude/agents/ops.md": BYPASS, "extra/ops2.md": BYPASS.replace("name: ops", "name: ops2") });
    const loaded = agentDefinitionSource({ cwd: w.cwd, home: w.home, env: { ...w.env, SUBAGENT_MCP_AGENTS_PATH: join(w.root, "extra") } })();
    expect(loaded.definitions.map((d) => d.name).sort()).toEqual(["ops", "ops2"]);
    expect(loaded.problems).toEqual([]);
  });

  it("a project at $HOME: the user's ~/.claude/agents stays the user's", () => {
    const w = world({ "home/.claude/agents/ops.md": BYPASS });
    const loaded = agentDefinitionSource({ cwd: w.home, home: w.home, env: w.env })();
    expect(loaded.definitions.map((d) => d.name)).toEqual(["ops"]);
    expect(loaded.problems).toEqual([]);
  });
});
