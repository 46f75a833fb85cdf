import { execa } from "execa";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateView, Sandbox, SANDBOXED_ENV } from "../src/index.js";

// The sandbox as the OS enforces it: a shell inside it tries every way we know to reach the
// secrets (none of which a rule could read: a variable, an interpreter, a script, an archive,
// another process's root) and finds nothing, while the agent's own folder is as it was.

const KEY = `fleet-key-${String(process.pid)}-9c1d`;
const PASSWORD = `redis-password-${String(process.pid)}-77aa`;
const TOKEN = `control-token-${String(process.pid)}-e3f0`;
let home: string;
let env: Record<string, string>;
let cwd: string;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "sandbox-test-"));
  env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, ".local", "state") };
  const config = join(home, ".config", "subagent-mcp");
  const state = join(home, ".local", "state", "subagent-mcp");
  mkdirSync(join(config, "agents"), { recursive: true });
  mkdirSync(join(state, "servers"), { recursive: true });
  writeFileSync(join(config, "fleet.key"), `${KEY}\n`, { mode: 0o600 });
  writeFileSync(join(config, "config.json"), JSON.stringify({ mailbox: { url: `redis://:${PASSWORD}@127.0.0.1:6379` }, agent_nice: 5 }));
  writeFileSync(join(config, "agents", "helper.md"), "---\nname: helper\nprovider: claude\n---\nhelps\n");
  writeFileSync(join(state, "servers", "4242.json"), JSON.stringify({ token: TOKEN }));
  writeFileSync(join(state, "spend.jsonl"), '{"at":"2026-01-01T00:00:00Z","provider":"claude"}\n');
  cwd = join(home, "project");
  mkdirSync(cwd);
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

async function inside(script: string, sandbox: Sandbox): Promise<string> {
  const run = sandbox.wrap({ executable: "/bin/sh", args: ["-c", script], cwd, env });
  const out = await execa(run.executable, run.args, { cwd, env: run.env, extendEnv: false, reject: false, all: true });
  return out.all;
}

describe("a CLI in the sandbox", () => {
  it("finds nothing of our secrets, however it asks", async () => {
    const sandbox = new Sandbox("auto", () => privateView({ home, env }), env);
    expect(sandbox.status().kind).toBe("bwrap");
    const config = join(home, ".config", "subagent-mcp");
    const state = join(home, ".local", "state", "subagent-mcp");
    const ways = [
      `grep -r . ${config} ${state}`,
      `tar -cf - -C ${home} . 2>/dev/null | tar -xOf - 2>/dev/null | grep -a -e fleet-key -e redis-password -e control-token`,
      `find ${home} -type f -exec cat {} +`,
      `D=${config}; F=fle; cat "$D/\${F}et.key"`,
      `python3 -c "import pathlib; [print(p.read_text()) for p in pathlib.Path('${home}').rglob('*') if p.is_file()]"`,
      `printf 'cat %s/fleet.key %s/servers/*\\n' ${config} ${state} > ${cwd}/steal.sh && sh ${cwd}/steal.sh`,
      `for p in /proc/[0-9]*; do cat $p/root${config}/fleet.key $p/root${state}/servers/4242.json; cat $p/environ; done 2>/dev/null | tr '\\0' '\\n' | grep -a -e fleet-key -e control-token`,
      `diff -r /dev/null ${config}/fleet.key; diff -r ${state} ${cwd}`,
      `cp -r ${state} ${cwd}/copy 2>&1; cat ${cwd}/copy/servers/* ${cwd}/copy/*/* 2>&1`,
      `dd if=${config}/fleet.key 2>&1; dd if=${config}/config.json 2>&1`,
      `umount ${config} 2>&1; unshare -Urm sh -c 'umount ${config}; cat ${config}/fleet.key' 2>&1`,
    ];
    // Each way does reach a secret where nothing holds it: the test can fail.
    const bare = new Sandbox("off", () => privateView({ home, env }), env);
    for (const way of ways) expect(await inside(way, bare), way).toMatch(new RegExp(`${KEY}|${PASSWORD}|${TOKEN}`));
    // What those runs copied into the project is not for the sandboxed ones to find.
    rmSync(cwd, { recursive: true });
    mkdirSync(cwd);
    for (const way of ways) {
      const seen = await inside(way, sandbox);
      expect(seen, way).not.toContain(KEY);
      expect(seen, way).not.toContain(PASSWORD);
      expect(seen, way).not.toContain(TOKEN);
    }
    // What it needs stays: its folder (writable), definitions and the ledger read-only, a config without secrets.
    const shown = await inside(
      `echo work > ${cwd}/out.txt && cat ${cwd}/out.txt; cat ${config}/agents/helper.md; cat ${config}/config.json; wc -l < ${state}/spend.jsonl; echo '{}' >> ${state}/spend.jsonl || echo refused; echo $${SANDBOXED_ENV}`,
      sandbox,
    );
    expect(shown).toContain("work");
    expect(shown).toContain("name: helper");
    expect(readFileSync(join(state, "spend.jsonl"), "utf8").split("\n")).toHaveLength(2);
    expect(shown).toContain("refused");
    expect(shown).toContain("bwrap");
  });

  it("shows the user's config without its secrets when given a copy", async () => {
    const copy = join(home, "copy.json");
    writeFileSync(copy, JSON.stringify({ agent_nice: 5 }));
    const sandbox = new Sandbox("auto", () => privateView({ home, env }, copy), env);
    const seen = await inside(`cat ${join(home, ".config", "subagent-mcp", "config.json")}`, sandbox);
    expect(seen).toContain('"agent_nice":5');
    expect(seen).not.toContain(PASSWORD);
  });

  it("off: the CLI runs as it is, and the setting says so", async () => {
    const sandbox = new Sandbox("off", () => privateView({ home, env }), env);
    expect(sandbox.status().kind).toBe("none");
    expect(sandbox.status().reason).toContain("turned off");
    expect(await inside(`cat ${join(home, ".config", "subagent-mcp", "fleet.key")}`, sandbox)).toContain(KEY);
  });

  it("required without a sandbox: nothing starts, and the error says why", () => {
    const sandbox = new Sandbox("required", () => privateView({ home, env }), { ...env, PATH: "/nonexistent" });
    expect(() => sandbox.wrap({ executable: "/bin/true", args: [], cwd, env })).toThrow(/sandbox: "required".*bubblewrap \(bwrap\) is not installed/);
  });

  it("a command given its own pids leaves nothing behind, a setsid daemon included", async () => {
    const sandbox = new Sandbox("auto", () => privateView({ home, env }), env);
    const marker = `sandbox-daemon-${String(process.pid)}`;
    const run = sandbox.wrap({
      executable: "/bin/sh",
      args: ["-c", `setsid sh -c 'exec -a ${marker} sleep 300' </dev/null >/dev/null 2>&1 & echo started`],
      cwd,
      env,
      ownPids: true,
    });
    const out = await execa(run.executable, run.args, { cwd, env: run.env, extendEnv: false, reject: false });
    expect(out.stdout).toContain("started");
    const left = await execa("pgrep", ["-f", marker], { reject: false });
    expect(left.stdout).toBe("");
  });
});

describe("finding the sandbox", () => {
  it("without blocking, gives what the blocking probe gives", async () => {
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    const later = await new Sandbox("auto", () => ({ hidden: [], shown: [], replaced: [] }), env).detect();
    expect(later).toEqual(new Sandbox("auto", () => ({ hidden: [], shown: [], replaced: [] }), env).status());
    expect(later.kind).toBe("bwrap");
    const missing = await new Sandbox("auto", () => ({ hidden: [], shown: [], replaced: [] }), { PATH: "/nonexistent" }).detect();
    expect(missing).toEqual({ kind: "none", reason: "bubblewrap (bwrap) is not installed: apt-get install bubblewrap" });
  });
});
