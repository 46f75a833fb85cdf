import { mkdirSync, mkdtempSync, utimesSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, TrustStore } from "../src/index.js";
import { TrustedRunsWatch } from "../src/trusted-runs.js";

// A server reads the config once; the trusted project's programs it runs are checked before every
// process, so that one edited after the server started is refused until the user trusts it again.

function world(project: Record<string, unknown>, files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), "trusted-runs-"));
  const home = join(root, "home");
  const cwd = join(root, "project");
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, ".local", "state") };
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(cwd, path)), { recursive: true });
    writeFileSync(join(cwd, path), text);
  };
  write(".subagent-mcp/config.json", JSON.stringify(project));
  for (const [path, text] of Object.entries(files)) write(path, text);
  const trust = TrustStore.fromEnv(env);
  const load = (extra: Record<string, string> = {}) => loadConfig({ cwd, env: { ...env, ...extra }, warn: () => undefined });
  return { cwd, write, trust, load };
}

describe("a trusted project's programs, checked at each launch", () => {
  it("an edit after the config was read refuses the provider that runs it, until the project is trusted again", () => {
    const w = world(
      { executables: { claude: "./bin/claude" }, providers: { house: { command: "tools/agent.sh", args: ["--acp"] } } },
      { "bin/claude": "#!/bin/sh\necho v1\n", "tools/agent.sh": "#!/bin/sh\necho house v1\n" },
    );
    w.trust.grant(w.cwd);
    const config = w.load();
    expect(Object.keys(config.trustedRuns?.files ?? {}).sort()).toEqual(["claude", "house"]);
    const watch = new TrustedRunsWatch(config.trustedRuns ?? { root: "", trustFile: "", files: {} });
    watch.verify("claude");
    watch.verify("house");
    watch.verify("codex");

    // Same size, and its mtime set back: the change of ctime still has it read again.
    const script = join(w.cwd, "bin/claude");
    const before = statSync(script);
    w.write("bin/claude", "#!/bin/sh\necho v2\n");
    utimesSync(script, before.atime, before.mtime);
    expect(() => {
      watch.verify("claude");
    }).toThrow(
      `provider "claude" is not started: the executable ${script} changed since you trusted the project; review it, then run: subagent-mcp trust --root ${w.cwd}`,
    );
    // The other provider runs none of it.
    watch.verify("house");
    w.write("tools/agent.sh", "#!/bin/sh\necho house v2\n");
    expect(() => {
      watch.verify("house");
    }).toThrow("the file tools/agent.sh providers.house runs changed since you trusted the project");

    // Trusting again applies to the running watch at once.
    w.trust.grant(w.cwd);
    watch.verify("claude");
    watch.verify("house");
  });

  it("pins nothing that does not run: the environment's executable over the project's, an untrusted project", () => {
    const w = world({ executables: { claude: "./bin/claude" } }, { "bin/claude": "#!/bin/sh\n" });
    expect(w.load().trustedRuns).toBeUndefined();
    w.trust.grant(w.cwd);
    expect(w.load({ SUBAGENT_MCP_CLAUDE_PATH: "/usr/bin/true" }).trustedRuns).toBeUndefined();
    expect(w.load().trustedRuns?.files.claude?.map((f) => f.path)).toEqual([join(w.cwd, "bin/claude")]);
  });
});
