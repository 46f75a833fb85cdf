import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, TrustStore } from "../src/index.js";

// A trusted project's `providers` entry runs only the project files the user trusted with it: the
// script its command is, and the files its arguments and variables name, byte for byte.

function world(config: unknown, files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), "trust-providers-"));
  const home = join(root, "home");
  const cwd = join(root, "project");
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, ".local", "state") };
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(cwd, path)), { recursive: true });
    writeFileSync(join(cwd, path), text);
  };
  write(".subagent-mcp/config.json", JSON.stringify(config));
  for (const [path, text] of Object.entries(files)) write(path, text);
  const load = () => {
    const said: string[] = [];
    const loaded = loadConfig({ cwd, env, warn: (line) => said.push(line) });
    return { config: loaded, said };
  };
  return { cwd, write, load, trust: TrustStore.fromEnv(env), outside: root };
}

describe("a trusted project's providers", () => {
  it("an edit of the command's script, of a file an argument or a variable names, withholds that entry alone", () => {
    const w = world(
      {
        providers: {
          house: { command: "./tools/agent.sh", args: ["--acp", "--settings=conf/agent.json"] },
          other: { command: "node", args: ["agents/other.js"], env: { AGENT_RC: "conf/other.rc" } },
        },
        stall_seconds: 30,
      },
      { "tools/agent.sh": "v1", "conf/agent.json": "{}", "agents/other.js": "1", "conf/other.rc": "a" },
    );
    const record = w.trust.grant(w.cwd);
    expect(Object.keys(record.providers?.house ?? {})).toEqual(["tools/agent.sh", "conf/agent.json"]);
    expect(Object.keys(record.providers?.other ?? {})).toEqual(["agents/other.js", "conf/other.rc"]);
    expect([...w.load().config.agents.keys()]).toEqual(expect.arrayContaining(["house", "other"]));

    for (const [file, entry, other] of [
      ["tools/agent.sh", "house", "other"],
      ["conf/agent.json", "house", "other"],
      ["agents/other.js", "other", "house"],
      ["conf/other.rc", "other", "house"],
    ] as const) {
      w.write(file, "edited");
      const { config, said } = w.load();
      expect(config.agents.has(entry), file).toBe(false);
      expect(config.agents.has(other), file).toBe(true);
      expect(config.ignored).toEqual([`providers.${entry}`]);
      // The rest of the trusted file still applies.
      expect(config.stall_seconds).toBe(30);
      expect(config.withheldProviders[entry]).toContain(`the file ${file} it runs changed since you trusted it`);
      expect(config.withheldProviders[entry]).toContain(`subagent-mcp trust --root ${w.cwd}`);
      expect(said[0]).toContain(`providers.${entry} ignored because the file ${file} it runs changed since you trusted it`);
      w.trust.grant(w.cwd);
      expect(w.load().config.agents.has(entry)).toBe(true);
    }
  });

  it("a file an entry names that did not exist when trusted is not vouched for; a program outside the project is not recorded", () => {
    const w = world({ providers: { house: { command: "/bin/sh", args: ["tools/late.sh"] } } }, {});
    expect(w.trust.grant(w.cwd).providers).toEqual({ house: {} });
    expect(w.load().config.agents.has("house")).toBe(true);
    w.write("tools/late.sh", "echo late");
    const { config } = w.load();
    expect(config.agents.has("house")).toBe(false);
    expect(config.withheldProviders.house).toContain("the file tools/late.sh it runs was not part of what you trusted");
  });

  it("an untrusted project's provider is withheld with the command that trusts it", () => {
    const w = world({ providers: { house: { command: "./tools/agent.sh" } } }, { "tools/agent.sh": "v1" });
    const { config } = w.load();
    expect(config.agents.has("house")).toBe(false);
    expect(config.withheldProviders.house).toContain("this project is not trusted");
    expect(config.withheldProviders.house).toContain(`subagent-mcp trust --root ${w.cwd}`);
  });
});
