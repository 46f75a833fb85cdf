import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";

// `init --copilot` and `init --cursor`: the same managed instructions block in GitHub Copilot's
// .github/copilot-instructions.md and in a Cursor project rule, with the files kept as init keeps
// AGENTS.md. Our built binary in a fresh HOME and project, no agent CLI on PATH.

let root: string;
let project: string;
let env: Record<string, string>;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "subagent-mcp-editors-"));
  project = join(root, "proj");
  mkdirSync(project);
  const home = join(root, "home");
  mkdirSync(home);
  env = { PATH: join(root, "no-bin"), HOME: home, XDG_STATE_HOME: join(home, ".local", "state") };
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => execa(process.execPath, [bin, ...args], { cwd: project, env, extendEnv: false, reject: false });
const copilot = () => join(project, ".github", "copilot-instructions.md");
const cursor = () => join(project, ".cursor", "rules", "subagent-mcp.mdc");
const read = (path: string) => readFileSync(path, "utf8");
const BEGIN = "<!-- subagent-mcp:begin (managed by subagent-mcp; edits inside are replaced) -->";
const FRONTMATTER = "---\ndescription: How to delegate work to sub-agents through the subagent-mcp MCP tools\nglobs:\nalwaysApply: true\n---\n";

describe("init --copilot --cursor", () => {
  it("writes both files beside AGENTS.md, CLAUDE.md and GEMINI.md; a second run changes nothing and says so", async () => {
    const dry = await cli("init", "--copilot", "--cursor", "--dry-run");
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`+++ ${cursor()}`);
    expect(existsSync(join(project, ".github")) || existsSync(join(project, ".cursor")) || existsSync(join(project, "AGENTS.md"))).toBe(false);

    const first = await cli("init", "--copilot", "--cursor");
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout.match(/block written/g)).toHaveLength(5);
    expect(read(copilot()).startsWith(BEGIN)).toBe(true);
    expect(read(copilot())).toContain("launch_agent");
    expect(read(cursor()).startsWith(`${FRONTMATTER}${BEGIN}\n## Sub-agents (subagent-mcp)\n`)).toBe(true);
    const second = await cli("init", "--copilot", "--cursor");
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout.match(/: unchanged/g)).toHaveLength(5);
    expect(second.stdout).toContain(`${cursor()}: unchanged`);

    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    for (const f of [copilot(), cursor(), join(project, "AGENTS.md")]) expect(existsSync(f), f).toBe(false);
  });

  it("keeps the user's text outside the block, in both files, through re-runs, --remove and uninstall", async () => {
    mkdirSync(join(project, ".github"));
    const mine = "# Copilot\n\nUse pnpm, never npm.\n";
    writeFileSync(copilot(), mine);
    const init = await cli("init", "--copilot", "--cursor", "--files", "copilot-instructions.md,.cursor/rules/subagent-mcp.mdc");
    expect(init.exitCode, init.stderr).toBe(0);
    expect(existsSync(join(project, "AGENTS.md"))).toBe(false);
    expect(read(copilot())).toMatch(/^# Copilot\n<!-- subagent-mcp:begin[^\n]*\n## Sub-agents[\s\S]*<!-- subagent-mcp:end -->\n\nUse pnpm, never npm\.\n$/);

    // The user adds their own lines to our rule file, and tunes its frontmatter.
    const edited = `${read(cursor()).replace("globs:", "globs: src/**")}\nAlso run the linter.\n`;
    writeFileSync(cursor(), edited);
    const again = await cli("init", "--copilot", "--cursor", "--files", "copilot-instructions.md,subagent-mcp.mdc");
    expect(again.stdout.match(/: unchanged/g)).toHaveLength(2);
    expect(read(cursor())).toBe(edited);

    const removed = await cli("init", "--copilot", "--remove", "--files", "copilot-instructions.md");
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(read(copilot())).toBe(mine);
    const uninstall = await cli("uninstall");
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(read(copilot())).toBe(mine);
    expect(read(cursor())).toBe(`${FRONTMATTER.replace("globs:", "globs: src/**")}\nAlso run the linter.\n`);
  });

  it("writes through a symlinked copilot-instructions.md, keeps its mode, and refuses a read-only rule unless --force", async () => {
    mkdirSync(join(project, ".github"));
    writeFileSync(join(root, "shared.md"), "# Shared\n", { mode: 0o640 });
    chmodSync(join(root, "shared.md"), 0o640);
    symlinkSync(join(root, "shared.md"), copilot());
    mkdirSync(join(project, ".cursor", "rules"), { recursive: true });
    writeFileSync(cursor(), "my rule\n");
    chmodSync(cursor(), 0o444);

    const refused = await cli("init", "--copilot", "--cursor");
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(`${cursor()} is read-only (mode 0444)`);
    expect([read(join(root, "shared.md")), read(cursor())]).toEqual(["# Shared\n", "my rule\n"]);

    const forced = await cli("init", "--copilot", "--cursor", "--force");
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(lstatSync(copilot()).isSymbolicLink()).toBe(true);
    expect(read(join(root, "shared.md")).startsWith(`# Shared\n${BEGIN}`)).toBe(true);
    expect(statSync(join(root, "shared.md")).mode & 0o777).toBe(0o640);
    expect(read(cursor())).toMatch(/^---\n[\s\S]*alwaysApply: true\n---\n<!-- subagent-mcp:begin[\s\S]*<!-- subagent-mcp:end -->\nmy rule\n$/);
    expect(statSync(cursor()).mode & 0o777).toBe(0o444);

    expect((await cli("uninstall", "--force")).exitCode).toBe(0);
    expect([read(join(root, "shared.md")), read(cursor())]).toEqual(["# Shared\n", "my rule\n"]);
  });

  it("rejects flags that do not go together, in one line", async () => {
    const global = await cli("init", "--global", "--cursor");
    expect(global.exitCode).toBe(2);
    expect(global.stderr).toBe("subagent-mcp: --cursor writes a project file: use --root DIR (or neither), not --global");
    const both = await cli("init", "--global", "--copilot", "--cursor");
    expect(both.stderr).toBe("subagent-mcp: --copilot and --cursor write project files: use --root DIR (or neither), not --global");
    const none = await cli("init", "--copilot", "--files", "README.md");
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toBe("subagent-mcp: --files matched none of AGENTS.md, CLAUDE.md, GEMINI.md, copilot-instructions.md");
    expect(existsSync(join(project, ".github"))).toBe(false);
  });
});
