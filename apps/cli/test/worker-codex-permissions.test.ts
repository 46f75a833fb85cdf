import { cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startWorker as startWorkerIn } from "./e2e.js";

// A Codex worker without an approver is held to the rules as the server's agents are: Codex asks
// about each command, the rules (the protected files' deny rules among them) answer, and what
// would ask nobody is denied. Through the built CLI and the real Codex against the fake model.
let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
const running: ResultPromise[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  await env?.cleanup();
  await fake?.stop();
});

const KEY = "KEY=codex-worker-plum-7731";

async function setup(): Promise<{ e: CliEnvironment; f: FakeModelServer; vars: Record<string, string>; root: string; key: string }> {
  const f = (fake = await startFakeFor("codex"));
  const e = (env = await loopbackEnv("codex", f));
  const state = join(e.home, "state");
  const vars = { ...e.env, XDG_STATE_HOME: state, SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex") };
  const key = join(e.env.XDG_CONFIG_HOME as string, "subagent-mcp", "fleet.key");
  mkdirSync(dirname(key), { recursive: true });
  writeFileSync(key, `${KEY}\n`, { mode: 0o600 });
  writeFileSync(join(e.cwd, "listed-marker.txt"), "");
  return { e, f, vars, root: join(state, "subagent-mcp"), key };
}

/** Sends one message to the worker and returns its answer. */
async function ask(e: CliEnvironment, vars: Record<string, string>, body: string): Promise<string> {
  const done = await execa(process.execPath, [bin, "send", "helper", body, "--wait", "--timeout", "300"], {
    cwd: e.cwd,
    env: vars,
    extendEnv: false,
    reject: false,
  });
  expect(done.exitCode, done.stderr).toBe(0);
  return done.stdout;
}

function audit(root: string): { decision: string; by: string; rule?: string; request: string }[] {
  const path = join(root, "permissions.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { decision: string; by: string; rule?: string; request: string });
}

// Offline, Codex offers tools to the models it knows; the fake serves this one.
const CODEX = ["--name", "helper", "--provider", "codex", "--model", "gpt-5.5"];

describe("subagent-mcp worker on Codex, no approver", () => {
  it("default mode: an allowed command runs, a read of the fleet key is refused though a rule allows cat", { timeout: 600_000 }, async () => {
    const { e, f, vars, root, key } = await setup();
    await startWorkerIn(e, vars, [...CODEX, "--permission-mode", "default", "--allow", "Bash(ls:*)", "--allow", "Bash(cat:*)"], running);
    expect(await ask(e, vars, "[[shell:ls]]")).toContain("listed-marker.txt");
    const refused = await ask(e, vars, `[[shell:cat ${key}]]`);
    expect(refused).not.toContain(KEY);
    expect(f.requests.some((r) => JSON.stringify(r.messages).includes(KEY))).toBe(false);
    expect(readFileSync(join(root, "workers", "helper", "turns.jsonl"), "utf8")).not.toContain(KEY);
    expect(audit(root).find((entry) => entry.request.includes(key))).toMatchObject({ decision: "deny", by: "rule" });
    expect(audit(root)).toContainEqual(expect.objectContaining({ decision: "allow", by: "rule", rule: "Bash(ls:*)" }));
  });

  it("default mode without rules: the fleet key is refused, and a command no rule allows is denied rather than asked", { timeout: 600_000 }, async () => {
    const { e, f, vars, root, key } = await setup();
    await startWorkerIn(e, vars, [...CODEX, "--permission-mode", "default"], running);
    expect(await ask(e, vars, `[[shell:cat ${key}]]`)).not.toContain(KEY);
    expect(await ask(e, vars, "[[shell:ls]]")).not.toContain("listed-marker.txt");
    expect(f.requests.some((r) => JSON.stringify(r.messages).includes(KEY))).toBe(false);
    expect(readFileSync(join(root, "workers", "helper", "turns.jsonl"), "utf8")).not.toContain(KEY);
    expect(audit(root).find((entry) => entry.request.includes(key))).toMatchObject({ decision: "deny", by: "rule" });
  });

  it("dontAsk: what a rule allows runs, the fleet key is refused", { timeout: 600_000 }, async () => {
    const { e, f, vars, root, key } = await setup();
    await startWorkerIn(e, vars, [...CODEX, "--permission-mode", "dontAsk", "--allow", "Bash(ls:*)", "--allow", "Bash(cat:*)"], running);
    expect(await ask(e, vars, "[[shell:ls]]")).toContain("listed-marker.txt");
    expect(await ask(e, vars, `[[shell:cat ${key}]]`)).not.toContain(KEY);
    expect(f.requests.some((r) => JSON.stringify(r.messages).includes(KEY))).toBe(false);
    expect(audit(root).find((entry) => entry.request.includes(key))).toMatchObject({ decision: "deny", by: "rule" });
  });
});
