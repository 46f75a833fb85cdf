import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, TrustStore } from "../src/index.js";

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

const USER_CONFIG = "home/.config/subagent-mcp/config.json";
const PROJECT_CONFIG = "project/.subagent-mcp/config.json";

function quietLoad(w: ReturnType<typeof world>, env: Record<string, string> = {}) {
  const said: string[] = [];
  const config = loadConfig({ cwd: w.cwd, env: { ...w.env, ...env }, warn: (line) => said.push(line) });
  return { config, said };
}

describe("project config and trust", () => {
  it("ignores a project's executables until the user trusts the file, and again once it changes", () => {
    const w = world({
      [USER_CONFIG]: '{"executables":{"codex":"/usr/local/bin/codex"}}',
      [PROJECT_CONFIG]: '{"executables":{"claude":"./evil.sh"},"stall_seconds":30}',
      // The program it names exists: trust vouches for its content too.
      "project/evil.sh": "#!/bin/sh\nexit 3\n",
    });
    const untrusted = quietLoad(w);
    expect(untrusted.config.executables).toEqual({ codex: "/usr/local/bin/codex" });
    expect(untrusted.config.ignored).toEqual(["executables.claude"]);
    // The rest of the file still applies; the notice names the file, the setting and the command.
    expect(untrusted.config.stall_seconds).toBe(30);
    expect(untrusted.said).toHaveLength(1);
    expect(untrusted.said[0]).toContain(`${w.cwd}/.subagent-mcp/config.json sets executables.claude (./evil.sh)`);
    expect(untrusted.said[0]).toContain("this project is not trusted");
    expect(untrusted.said[0]).toContain(`subagent-mcp trust --root ${w.cwd}`);

    w.trust.grant(w.cwd);
    const trusted = quietLoad(w);
    expect(trusted.config.executables).toEqual({ codex: "/usr/local/bin/codex", claude: "./evil.sh" });
    expect(trusted.said).toEqual([]);

    w.write(PROJECT_CONFIG, '{"executables":{"claude":"./worse.sh"}}');
    const changed = quietLoad(w);
    expect(changed.config.executables).toEqual({ codex: "/usr/local/bin/codex" });
    expect(changed.said[0]).toContain("the file changed since you trusted this project");

    // A program that cannot be read cannot be vouched for.
    expect(() => w.trust.grant(w.cwd)).toThrow(/names the executable .*worse\.sh, which cannot be read/);
    w.write("project/worse.sh", "#!/bin/sh\n");
    w.trust.grant(w.cwd);
    expect(w.trust.revoke(w.cwd)).toBe(true);
    expect(quietLoad(w).config.executables).toEqual({ codex: "/usr/local/bin/codex" });
  });

  it("SUBAGENT_MCP_<P>_PATH wins over the user's and a trusted project's executables", () => {
    const w = world({
      [USER_CONFIG]: '{"executables":{"claude":"/user/claude","gemini":"/user/gemini"}}',
      [PROJECT_CONFIG]: '{"executables":{"codex":"./codex-wrapper"}}',
      "project/codex-wrapper": "#!/bin/sh\n",
    });
    w.trust.grant(w.cwd);
    const { config } = quietLoad(w, { SUBAGENT_MCP_CLAUDE_PATH: "/env/claude", SUBAGENT_MCP_CODEX_PATH: "/env/codex", SUBAGENT_MCP_GEMINI_PATH: "" });
    expect(config.executables).toEqual({ claude: "/env/claude", codex: "/env/codex", gemini: "/user/gemini" });
  });

  it("a project may lower caps and max_depth but raises them only with trust", () => {
    const w = world({ [USER_CONFIG]: '{"caps":{"codex":3},"max_depth":1}', [PROJECT_CONFIG]: '{"caps":{"claude":9,"codex":2,"gemini":5},"max_depth":4}' });
    const untrusted = quietLoad(w);
    // claude 9 > the default 5, max_depth 4 > the user's 1: ignored; codex 2 < 3 and gemini 5 = 5 apply.
    expect(untrusted.config.caps).toEqual({ codex: 2, gemini: 5 });
    expect(untrusted.config.max_depth).toBe(1);
    expect(untrusted.config.ignored).toEqual(["caps.claude", "max_depth"]);
    expect(untrusted.said[0]).toContain("caps.claude 9 (yours: 5), max_depth 4 (yours: 1)");
    w.trust.grant(w.cwd);
    const trusted = quietLoad(w);
    expect(trusted.config.caps).toEqual({ codex: 2, claude: 9, gemini: 5 });
    expect(trusted.config.max_depth).toBe(4);
    // The environment still wins over everything.
    expect(quietLoad(w, { SUBAGENT_MCP_MAX_DEPTH: "0", SUBAGENT_MCP_CAP_CLAUDE: "1" }).config).toMatchObject({ max_depth: 0, caps: { claude: 1 } });
  });

  it("a project's routing entries run on another machine only with trust; until then they run here", () => {
    const table = {
      coding: {
        cost_efficiency: [
          { provider: "codex", machine: "gpu-box" },
          { provider: "claude", model: "sonnet" },
        ],
      },
    };
    const w = world({ [PROJECT_CONFIG]: JSON.stringify({ routing: { table } }) });
    const untrusted = quietLoad(w);
    expect(untrusted.config.ignored).toEqual(["routing.machine"]);
    expect(untrusted.said[0]).toContain("routing entries on gpu-box");
    expect(untrusted.config.routingTable.coding.cost_efficiency).toEqual([{ provider: "codex" }, { provider: "claude", model: "sonnet" }]);
    w.trust.grant(w.cwd);
    expect(quietLoad(w).config.routingTable.coding.cost_efficiency[0]).toEqual({ provider: "codex", machine: "gpu-box" });
  });

  it("records trust outside the project: a 0700 folder, a 0600 file, keyed by real path and content hash", () => {
    const w = world({ [PROJECT_CONFIG]: "{}", "project/.claude/agents/a.md": "---\nname: a\n---\nA\n", "project/notes.md": "not vouched for" });
    const record = w.trust.grant(join(w.cwd, ".", "..", "project"));
    expect(record.root).toBe(w.cwd);
    expect(Object.keys(record.files).sort()).toEqual([".claude/agents/a.md", ".subagent-mcp/config.json"]);
    expect(w.trust.path).toBe(join(w.env.XDG_STATE_HOME, "subagent-mcp", "trust.json"));
    expect(statSync(w.trust.path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(w.trust.path)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(w.trust.path, "utf8"))).toMatchObject({ version: 1, projects: [{ root: w.cwd }] });
    const empty = world();
    expect(() => empty.trust.grant(empty.cwd)).toThrow(/nothing to trust/);
    // A damaged record trusts nothing; the server still starts.
    writeFileSync(w.trust.path, "{oops");
    expect(w.trust.status(w.cwd, join(w.cwd, ".subagent-mcp", "config.json"), "0".repeat(64))).toBe("untrusted");
  });
});
