import { describe, expect, it } from "vitest";
import { Pool, Supervisor, type AgentView } from "../src/index.js";
import { FakeClock, FakeDriver } from "./fakes.js";

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A promise the test settles by hand: the prepare step of a launch. */
function gate<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup() {
  const clock = new FakeClock();
  const driver = new FakeDriver("claude");
  const supervisor = new Supervisor({ drivers: { claude: driver }, clock });
  return { clock, driver, supervisor };
}

describe("launch with prepare", () => {
  it("starts the CLI only once prepare is done, in the directory it gives, with follow-ups kept", async () => {
    const { driver, supervisor } = setup();
    const step = gate<{ cwd?: string } | undefined>();
    const seen: string[] = [];
    const view = supervisor.launch({
      provider: "claude",
      cwd: "/repo",
      prompt: "task",
      prepare: (id) => {
        seen.push(id);
        return step.promise;
      },
    });
    expect(seen).toEqual([view.id]);
    expect(view.status).toBe("processing");
    supervisor.send(view.id, "more");
    expect(driver.sessions).toHaveLength(0);
    step.resolve({ cwd: "/worktrees/a/sub" });
    await tick();
    expect(driver.sessions).toHaveLength(1);
    expect(driver.sessions[0]?.spec.cwd).toBe("/worktrees/a/sub");
    expect(driver.sessions[0]?.sent).toEqual(["task", "more"]);
    expect(supervisor.get(view.id).cwd).toBe("/worktrees/a/sub");
  });

  it("hands the session the servers prepare issued for the agent's id, after the launch's own", async () => {
    const { driver, supervisor } = setup();
    const own = { name: "notes", command: "notes-server", args: [], env: {} };
    const view = supervisor.launch({
      provider: "claude",
      cwd: "/repo",
      prompt: "task",
      mcpServers: [own],
      prepare: (id) => Promise.resolve({ mcpServers: [{ name: "subagent-mcp", url: `http://127.0.0.1:1/agents/${id}/mcp` }] }),
    });
    await tick();
    expect(driver.sessions[0]?.spec.mcpServers).toEqual([own, { name: "subagent-mcp", url: `http://127.0.0.1:1/agents/${view.id}/mcp` }]);
    expect(driver.sessions[0]?.spec.cwd).toBe("/repo");
  });

  it("a failed prepare ends the agent errored with its message, without failing over", async () => {
    const { driver, supervisor } = setup();
    const step = gate<undefined>();
    const ended: AgentView[] = [];
    supervisor.onEnd((v) => ended.push(v));
    const view = supervisor.launch({
      provider: "claude",
      cwd: "/repo",
      prompt: "task",
      // A transient-looking message must not fail over: setup would fail the same on any CLI.
      fallbacks: [{ provider: "claude", model: "other" }],
      prepare: () => step.promise,
    });
    const waiting = supervisor.wait({ ids: [view.id], mode: "any", timeoutMs: 60_000 });
    step.reject(new Error("worktree setup failed (exit 1): ECONNRESET while fetching"));
    const result = await waiting;
    expect(driver.sessions).toHaveLength(0);
    const after = supervisor.get(view.id);
    expect(after.status).toBe("errored");
    expect(after.alive).toBe(false);
    expect(after.lastError?.message).toContain("worktree setup failed");
    expect(after.attempts).toEqual([]);
    expect(ended.map((v) => v.id)).toEqual([view.id]);
    expect(JSON.stringify(result)).toContain("worktree setup failed");
  });

  it("an agent killed while it prepares never starts its CLI", async () => {
    const { driver, supervisor } = setup();
    const step = gate<undefined>();
    const ended: string[] = [];
    supervisor.onEnd((v) => ended.push(v.id));
    const view = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "task", prepare: () => step.promise });
    await supervisor.kill(view.id);
    step.resolve(undefined);
    await tick();
    expect(driver.sessions).toHaveLength(0);
    expect(supervisor.get(view.id).status).toBe("stopped");
    expect(ended).toEqual([view.id]);
  });

  it("onEnd is told once when an agent's session ends, not while it runs", async () => {
    const { driver, supervisor } = setup();
    const ended: string[] = [];
    const stop = supervisor.onEnd((v) => ended.push(`${v.id}:${v.status}`));
    const view = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "task" });
    driver.sessions[0]?.finish("done");
    expect(ended).toEqual([]);
    await supervisor.kill(view.id);
    expect(ended).toEqual([`${view.id}:stopped`]);
    stop();
    const other = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "task" });
    await supervisor.kill(other.id);
    expect(ended).toHaveLength(1);
  });
});

describe("pool with settle", () => {
  it("settles each task's work before its result is delivered and before the next task starts", async () => {
    const clock = new FakeClock();
    const driver = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock });
    const pool = new Pool(supervisor, { clock });
    const settled: string[] = [];
    let n = 0;
    pool.define({
      name: "coder",
      launch: { provider: "claude", cwd: "/repo", prepare: () => Promise.resolve({ cwd: "/wt/replica" }) },
      replicas: 1,
      maxTurnsPerProcess: 50,
      resetStrategy: "reset",
      settle: (agentId) => {
        n += 1;
        settled.push(agentId);
        return Promise.resolve({ branch: `task-${n}` });
      },
    });
    const a = pool.invoke("coder", "task A", 5_000);
    const b = pool.invoke("coder", "task B", 5_000);
    await tick();
    const s = driver.sessions[0];
    expect(s?.spec.cwd).toBe("/wt/replica");
    expect(s?.sent).toEqual(["task A"]);
    s?.finish("answer A");
    expect(await a).toMatchObject({ status: "done", result: "answer A", work: { branch: "task-1" } });
    await tick();
    expect(s?.sent).toEqual(["task A", "task B"]);
    s?.finish("answer B");
    expect(await b).toMatchObject({ result: "answer B", work: { branch: "task-2" } });
    expect(settled).toHaveLength(2);
  });

  it("a failed settle tells the caller and replaces the replica, leaving its workspace alone", async () => {
    const clock = new FakeClock();
    const driver = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock });
    const pool = new Pool(supervisor, { clock });
    const ended: string[] = [];
    supervisor.onEnd((v) => ended.push(v.id));
    pool.define({
      name: "coder",
      launch: { provider: "claude", cwd: "/repo" },
      replicas: 1,
      maxTurnsPerProcess: 50,
      resetStrategy: "reset",
      settle: () => Promise.reject(new Error("commit failed")),
    });
    const a = pool.invoke("coder", "task A", 5_000);
    const first = pool.list("coder")[0]?.agentId;
    driver.sessions[0]?.finish("answer A");
    expect(await a).toMatchObject({ result: "answer A", work: { error: "commit failed" } });
    await tick();
    expect(ended).toEqual([first]);
    const b = pool.invoke("coder", "task B", 5_000);
    expect(driver.sessions).toHaveLength(2);
    expect(driver.sessions[1]?.sent).toEqual(["task B"]);
    driver.sessions[1]?.finish("answer B");
    expect(await b).toMatchObject({ result: "answer B" });
  });
});
