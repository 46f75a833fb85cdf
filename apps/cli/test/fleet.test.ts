import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import {
  launchChromium,
  loopbackEnv,
  startFakeFor,
  startRedisServer,
  type CliEnvironment,
  type FakeModelServer,
  type RedisServer,
  untilClaudeSaved,
} from "@subagent-mcp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { bin, endServer, startE2E, waitFor, type E2E } from "./e2e.js";
import { startDashboardCli } from "./dashboard-cli.js";
import { git, write } from "./git-e2e.js";
import { startFleetNode, writeFleetKey, type RunningNode } from "./fleet-node.js";

// Two machines on this host, each with its own HOME and XDG folders: A runs the built server under
// the official MCP client; B runs `subagent-mcp node --name b`, lending the real pinned Claude Code,
// Codex and Gemini CLI (against fakes of its own on 127.0.0.1). One real redis-server carries the fleet.
const KEY = "fleet-e2e-key-0123456789abcdef";
/** Resolves once b's model has the request of the turn whose prompt holds `text` (the turn is under way there). */
function turnOnB(text: string): Promise<void> {
  return new Promise((resolve) => {
    fakeB.script((request) => {
      if (request.lastUserText.includes(text)) resolve();
      return undefined;
    });
  });
}

// Whether a process is there and running (a zombie waiting for a reaper that never comes is not).
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${String(pid)}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}
const shots = fileURLToPath(new URL("../.test-results/dashboard/", import.meta.url));
let redis: RedisServer;
let fakesB: Record<"claude" | "codex" | "gemini", FakeModelServer>;
let fakeB: FakeModelServer;
let envB: CliEnvironment;
let nodeB: RunningNode;
let a: E2E;

/** Starts B's node and resolves once it lends its CLIs. */
function startNodeB(): Promise<RunningNode> {
  return startFleetNode(envB, "b", { fleet: { roots: [envB.cwd] }, caps: { claude: 2, codex: 2, gemini: 2 } }, { redisUrl: redis.url, key: KEY });
}

beforeAll(async () => {
  redis = await startRedisServer();
  fakesB = { claude: await startFakeFor("claude"), codex: await startFakeFor("codex"), gemini: await startFakeFor("gemini") };
  fakeB = fakesB.claude;
  envB = await loopbackEnv(fakesB);
  nodeB = await startNodeB();
  // A's routing table sends coding to Codex on b, and debugging first to Claude Code on b, then here.
  a = await startE2E({ SUBAGENT_MCP_MAILBOX_URL: redis.url }, (env) => {
    writeFleetKey(env, KEY);
    const config = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "config.json");
    mkdirSync(join(config, ".."), { recursive: true });
    const table = {
      coding: { cost_efficiency: [{ provider: "codex", machine: "b" }] },
      debugging: { cost_efficiency: [{ provider: "claude", machine: "b" }, { provider: "claude" }] },
    };
    writeFileSync(config, JSON.stringify({ routing: { table } }));
  });
}, 120_000);

afterAll(async () => {
  await a.close();
  nodeB.proc.kill("SIGTERM");
  await nodeB.proc;
  for (const fake of Object.values(fakesB)) await fake.stop();
  await envB.cleanup();
  await redis.stop();
});

interface Machines {
  machines: { name: string; providers: { provider: string; cap: number; free: number }[] }[];
}

describe("a fleet of two machines through the built CLI", () => {
  it("lists machine b with Claude Code and its free slots", { timeout: 60_000 }, async () => {
    const { machines } = await a.call<Machines>("list_machines");
    expect(machines.map((m) => m.name)).toEqual(["b"]);
    expect(machines[0]?.providers.find((p) => p.provider === "claude")).toMatchObject({ cap: 2, free: 2 });
    // The same from the command line, as JSON and as a table.
    const json = await execa(process.execPath, [bin, "machines", "--json"], { env: a.serverEnv, extendEnv: false, cwd: a.env.cwd });
    expect((JSON.parse(json.stdout) as { name: string }[]).map((m) => m.name)).toEqual(["b"]);
    const plain = await execa(process.execPath, [bin, "machines"], { env: a.serverEnv, extendEnv: false, cwd: a.env.cwd });
    expect(plain.stdout).toMatch(/^NAME\s+HOST\s+LOAD/);
    expect(plain.stdout).toMatch(/\nb\s+\S+\s+[\d.]+\s+.*claude .* 2\/2/);
  });

  it("refuses to start a node without the fleet key, saying where it goes", { timeout: 60_000 }, async () => {
    // A config folder without the key file.
    const env = { ...a.serverEnv, XDG_CONFIG_HOME: join(a.env.cwd, "no-config") };
    const run = await execa(process.execPath, [bin, "node", "--name", "nokey"], { env, extendEnv: false, cwd: a.env.cwd, reject: false });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(
      `the fleet needs a key shared by every machine (at least 16 characters): write it to ${join(a.env.cwd, "no-config", "subagent-mcp", "fleet.key")} (chmod 600)`,
    );
  });

  it("launches on b, answers, takes a follow-up in the same session, and is killed", { timeout: 180_000 }, async () => {
    const launched = await a.call<{ agent_id: string; machine?: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: envB.cwd,
      prompt: "hello from machine a",
    });
    expect(launched.machine).toBe("b");
    const first = await waitFor(a, launched.agent_id, (out) => out.finished[0]);
    expect(first.is_error).toBe(false);
    // B's model answered: its fake's nonce, not A's.
    expect(first.result).toContain(fakeB.nonce);
    expect(first.result).toContain("hello from machine a");
    await a.call("send_message", { agent_id: launched.agent_id, message: "[[history]] and a follow-up" });
    const second = await waitFor(a, launched.agent_id, (out) => out.finished[0]);
    expect(second.result).toContain("hello from machine a");
    const polled = await a.call<{ machine?: string; turns: number }>("poll_agent", { agent_id: launched.agent_id });
    expect(polled).toMatchObject({ machine: "b", turns: 2 });
    const listed = await a.call<{ agents: { agent_id: string; machine?: string }[] }>("list_agents");
    expect(listed.agents.find((x) => x.agent_id === launched.agent_id)?.machine).toBe("b");
    await a.call("kill_agent", { agent_id: launched.agent_id });
    expect((await a.call<{ status: string }>("poll_agent", { agent_id: launched.agent_id })).status).toBe("stopped");
  });

  for (const provider of ["codex", "gemini"] as const) {
    it(`runs ${provider} on b too: an answer and a follow-up in the same session`, { timeout: 180_000 }, async () => {
      const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", { provider, machine: "b", cwd: envB.cwd, prompt: `hello ${provider} on b` });
      const first = await waitFor(a, agent_id, (out) => out.finished[0]);
      expect(first.result).toContain(fakesB[provider].nonce);
      await a.call("send_message", { agent_id, message: "[[history]] again" });
      const second = await waitFor(a, agent_id, (out) => out.finished[0]);
      expect(second.result).toContain(`hello ${provider} on b`);
      await a.call("kill_agent", { agent_id });
    });
  }

  it("asks A for a permission that respond_permission answers, and the command runs on b", { timeout: 180_000 }, async () => {
    const file = "made-on-b.txt";
    const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: envB.cwd,
      prompt: `[[shell:touch ${file}]]`,
    });
    const ask = await waitFor(a, agent_id, (out) => out.permission_requests?.[0]);
    expect(ask).toMatchObject({ agent_id, kind: "shell" });
    expect(ask.summary).toContain(`touch ${file}`);
    expect(existsSync(join(envB.cwd, file))).toBe(false);
    await a.call("respond_permission", { agent_id, request_id: ask.request_id, decision: "allow" });
    const turn = await waitFor(a, agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(false);
    expect(existsSync(join(envB.cwd, file))).toBe(true);
    await a.call("kill_agent", { agent_id });
  });

  it("runs a routing entry's candidate on its machine", { timeout: 180_000 }, async () => {
    const launched = await a.call<{ agent_id: string; machine?: string; candidate: { provider: string; machine?: string } }>("launch_agent", {
      task_category: "coding",
      cwd: envB.cwd,
      prompt: "routed to b",
    });
    expect(launched).toMatchObject({ machine: "b", candidate: { provider: "codex", machine: "b" } });
    const turn = await waitFor(a, launched.agent_id, (out) => out.finished[0]);
    expect(turn.result).toContain(fakesB.codex.nonce);
    await a.call("kill_agent", { agent_id: launched.agent_id });
  });

  it("fails over from a candidate on b to one here, and says where the failed one ran", { timeout: 180_000 }, async () => {
    fakeB.script((req) => (req.lastUserText.includes("overloaded on b") ? { kind: "error", status: 529, message: "Overloaded" } : undefined));
    try {
      const launched = await a.call<{ agent_id: string; machine?: string; fallbacks: { provider: string; machine?: string }[] }>("launch_agent", {
        task_category: "debugging",
        cwd: envB.cwd,
        prompt: "overloaded on b",
      });
      expect(launched.machine).toBe("b");
      expect(launched.fallbacks).toEqual([{ provider: "claude" }]);
      const turn = await waitFor(a, launched.agent_id, (out) => out.finished[0]);
      expect(turn.is_error).toBe(false);
      // A's own model answered: the candidate here took over.
      expect(turn.result).toContain(a.fakes.claude.nonce);
      const polled = await a.call<{ machine?: string; failover?: { provider: string; machine?: string; reason: string }[] }>("poll_agent", {
        agent_id: launched.agent_id,
      });
      expect(polled.machine).toBeUndefined();
      expect(polled.failover).toEqual([{ provider: "claude", machine: "b", kind: "failover", reason: expect.stringContaining("529") as string }]);
      await a.call("kill_agent", { agent_id: launched.agent_id });
    } finally {
      fakeB.script(undefined);
    }
  });

  it("runs a pool agent defined with machine: b there, a clean context per task", { timeout: 180_000 }, async () => {
    const dir = join(a.env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "agents");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "remote-helper.md"),
      `---\nname: remote-helper\ndescription: Answers on b.\nprovider: claude\nmachine: b\ncwd: ${envB.cwd}\n---\nYou answer briefly.\n`,
    );
    interface Done {
      status: string;
      result?: string;
      is_error?: boolean;
      agent_id: string;
    }
    const first = await a.call<Done>("invoke", { agent: "remote-helper", task: "first pool task on b", timeout_s: 120 });
    expect(first.is_error).not.toBe(true);
    expect(first.result).toContain(fakeB.nonce);
    // The replica was reset on b before the next task: the second sees only itself.
    const second = await a.call<Done>("invoke", { agent: "remote-helper", task: "[[history]] second pool task", timeout_s: 120 });
    expect(second.result).toContain("second pool task");
    expect(second.result).not.toContain("first pool task on b");
    expect((await a.call<{ machine?: string }>("poll_agent", { agent_id: second.agent_id })).machine).toBe("b");
    const pool = await a.call<{ agents: { agent: string; machine?: string; replicas: { machine?: string }[] }[] }>("list_pool");
    expect(pool.agents.find((x) => x.agent === "remote-helper")).toMatchObject({ machine: "b", replicas: [{ machine: "b" }] });
    // A project's definition sends work to another machine only once the project is trusted.
    mkdirSync(join(a.env.cwd, ".subagent-mcp", "agents"), { recursive: true });
    writeFileSync(join(a.env.cwd, ".subagent-mcp", "agents", "sneaky.md"), "---\nname: sneaky\ndescription: x\nmachine: b\n---\nx\n");
    const refused = await a.client.callTool({ name: "invoke", arguments: { agent: "sneaky", task: "x" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("machine b in a project's definition need your trust");
    await a.call("reset", { agent: "remote-helper" });
  });

  it("makes the worktree of isolation: worktree on b: the work stays on its branch there, a clean one is removed", { timeout: 180_000 }, async () => {
    const repo = join(envB.cwd, "repo-on-b");
    write(join(repo, "README.md"), "on b\n");
    await git(repo, "init", "-q", "-b", "main");
    await git(repo, "add", ".");
    await git(repo, "commit", "-q", "-m", "first");
    interface Worktree {
      path: string;
      branch: string;
      state: string;
      changed_files?: number;
    }
    const launched = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: repo,
      isolation: "worktree",
      label: "remote-wt",
      permission_mode: "acceptEdits",
      prompt: "[[edit:notes.txt|made on b]]",
    });
    const turn = await waitFor(a, launched.agent_id, (out) => out.finished[0] as (typeof out.finished)[0] & { worktree?: Worktree });
    expect(turn.is_error).toBe(false);
    expect(turn.worktree).toMatchObject({ branch: "subagent/remote-wt", state: "active", changed_files: 1 });
    const path = turn.worktree?.path as string;
    // B's own state folder holds it; B's checkout is untouched.
    expect(path.startsWith(envB.env.XDG_STATE_HOME as string)).toBe(true);
    expect(existsSync(join(path, "notes.txt"))).toBe(true);
    expect(existsSync(join(repo, "notes.txt"))).toBe(false);
    const killed = await a.call<{ worktree?: Worktree }>("kill_agent", { agent_id: launched.agent_id });
    expect(killed.worktree).toMatchObject({ state: "kept", branch: "subagent/remote-wt" });
    expect(existsSync(join(path, "notes.txt"))).toBe(true);
    // One that did nothing leaves nothing behind.
    const clean = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: repo,
      isolation: "worktree",
      prompt: "just answer",
    });
    const answered = await waitFor(a, clean.agent_id, (out) => out.finished[0] as (typeof out.finished)[0] & { worktree?: Worktree });
    const cleanPath = answered.worktree?.path as string;
    expect(existsSync(cleanPath)).toBe(true);
    const gone = await a.call<{ worktree?: Worktree }>("kill_agent", { agent_id: clean.agent_id });
    expect(gone.worktree?.state).toBe("removed");
    expect(existsSync(cleanPath)).toBe(false);
    // A repository B does not have is the agent's error, naming it.
    const nowhere = await a.call<{ agent_id: string }>("launch_agent", { provider: "claude", machine: "b", cwd: envB.cwd, isolation: "worktree", prompt: "x" });
    const refused = await waitFor(a, nowhere.agent_id, (out) => out.finished[0]);
    expect(refused.is_error).toBe(true);
    expect(refused.result).toContain('machine "b" refused the launch');
  });

  it("shows machine b and an agent running there on the dashboard, in a browser", { timeout: 180_000 }, async () => {
    const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", { provider: "claude", machine: "b", cwd: envB.cwd, prompt: "seen on the page" });
    await waitFor(a, agent_id, (out) => out.finished[0]);
    const dash = await startDashboardCli(a.serverEnv, a.env.cwd);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      page.setDefaultTimeout(120_000);
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.goto(dash.url);
      const machine = page.locator('[data-testid="machine-b"]');
      await machine.waitFor();
      expect(await machine.textContent()).toMatch(/claude \d\/2/);
      const row = page.locator(`[data-testid="agent-row-${agent_id}"]`);
      await row.waitFor();
      expect(await row.locator(".chip").textContent()).toBe("b");
      mkdirSync(shots, { recursive: true });
      await page.locator("#machines").screenshot({ path: join(shots, "machines.png") });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await dash.stop();
      await a.call("kill_agent", { agent_id });
    }
  });

  it("names the live machines for an unknown one, and refuses a cwd outside b's roots", { timeout: 60_000 }, async () => {
    const unknown = await a.client.callTool({ name: "launch_agent", arguments: { provider: "claude", machine: "nosuch", prompt: "x" } });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain('no live machine \\"nosuch\\"; the live machines are b');
    const outside = await a.call<{ agent_id: string }>("launch_agent", { provider: "claude", machine: "b", cwd: "/etc", prompt: "x" });
    const turn = await waitFor(a, outside.agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(true);
    expect(turn.result).toContain('machine "b" refuses cwd /etc');
  });

  it("ends an agent whose machine died mid-turn with an error naming it, well before wait's timeout", { timeout: 120_000 }, async () => {
    // The turn is under way on b once its fake has the request.
    const underWay = turnOnB("a long turn");
    const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: envB.cwd,
      prompt: "[[slow:90000]] a long turn",
    });
    await underWay;
    fakeB.script(undefined);
    // The CLI b started for it (the node logs each one's pid).
    const pid = Number([...nodeB.stderr().matchAll(/: claude \(pid (\d+)\)/g)].at(-1)?.[1]);
    expect(alive(pid)).toBe(true);
    nodeB.proc.kill("SIGKILL");
    await nodeB.proc;
    const t0 = Date.now();
    const turn = await waitFor(a, agent_id, (out) => out.finished[0]);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(turn.is_error).toBe(true);
    expect(turn.result).toContain('machine "b" stopped answering');
    // Nothing b started outlived its SIGKILLed node.
    expect(alive(pid)).toBe(false);
    nodeB = await startNodeB();
  });
});

describe("when machine b restarts", () => {
  it(
    "resumes its agent from b's journal: the cut turn ends as an error saying so, and a follow-up goes on in the same conversation",
    { timeout: 180_000 },
    async () => {
      // An orchestrator that waits 60 s for a silent machine: b is back well before.
      const patient = await startE2E({ SUBAGENT_MCP_MAILBOX_URL: redis.url, SUBAGENT_MCP_FLEET_GRACE_S: "60" }, (env) => {
        writeFleetKey(env, KEY);
      });
      try {
        const underWay = turnOnB("cut off by a crash");
        const { agent_id } = await patient.call<{ agent_id: string }>("launch_agent", {
          provider: "claude",
          machine: "b",
          cwd: envB.cwd,
          prompt: "[[slow:90000]] cut off by a crash",
        });
        await underWay;
        fakeB.script(undefined);
        await untilClaudeSaved(envB.home, "cut off by a crash");
        nodeB.proc.kill("SIGKILL");
        await nodeB.proc;
        nodeB = await startNodeB();
        const turn = await waitFor(patient, agent_id, (out) => out.finished[0]);
        expect(turn.is_error).toBe(true);
        expect(turn.result).toContain('machine "b" restarted during this turn');
        expect(nodeB.stderr()).toMatch(/: claude \(pid \d+\) for orch-[\w-]+ in .*, resumed/);
        await patient.call("send_message", { agent_id, message: "[[history]] after the restart" });
        const next = await waitFor(patient, agent_id, (out) => out.finished[0]);
        // On failure, what b said about it tells why.
        expect(next.is_error, `${JSON.stringify(next)}\n${nodeB.stderr()}`).toBe(false);
        expect(next.result).toContain(fakeB.nonce);
        expect(next.result).toContain("cut off by a crash");
        await patient.call("kill_agent", { agent_id });
      } finally {
        await patient.close();
      }
    },
  );
});

describe("when the orchestrator goes away", () => {
  it("its agents on b end there, also when it was SIGKILLed and could not say so", { timeout: 120_000 }, async () => {
    const lone = await startE2E({ SUBAGENT_MCP_MAILBOX_URL: redis.url }, (env) => {
      writeFleetKey(env, KEY);
    });
    const underWay = turnOnB("an orphan to be");
    await lone.call("launch_agent", { provider: "claude", machine: "b", cwd: envB.cwd, prompt: "[[slow:90000]] an orphan to be" });
    await underWay;
    fakeB.script(undefined);
    const ended = new Promise<void>((resolve) => {
      const check = (): void => {
        if (nodeB.stderr().includes("went away; ending it") && /: ended \(/.test(nodeB.stderr().split("went away")[1] ?? "")) resolve();
      };
      nodeB.proc.stderr?.on("data", check);
      check();
    });
    process.kill(lone.transport.pid as number, "SIGKILL");
    await ended;
    // Its heartbeat stopped: b noticed by itself (no kill command could come from a SIGKILLed server).
    expect(nodeB.stderr()).toMatch(/its orchestrator orch-[0-9a-f-]+ went away; ending it/);
    await lone.close();
  });
});

describe("an agent launched to outlive its orchestrator", () => {
  it("is not ended by its orchestrator's clean exit: its turn runs to its end on b, then it ends there", { timeout: 120_000 }, async () => {
    const leaving = await startE2E({ SUBAGENT_MCP_MAILBOX_URL: redis.url }, (env) => {
      writeFleetKey(env, KEY);
    });
    const underWay = turnOnB("an outliving turn");
    const bad = await leaving.client.callTool({ name: "launch_agent", arguments: { provider: "claude", outlive: true, prompt: "x" } });
    expect(JSON.stringify(bad.content)).toContain("outlive is for an agent on another machine");
    await leaving.call("launch_agent", { provider: "claude", machine: "b", cwd: envB.cwd, outlive: true, prompt: "[[slow:4000]] an outliving turn" });
    await underWay;
    fakeB.script(undefined);
    const before = nodeB.stderr().length;
    const ended = new Promise<string>((resolve) => {
      const check = (): void => {
        const log = nodeB.stderr().slice(before);
        const id = /(r-[0-9a-f-]+): its orchestrator \S+ went away; launched to outlive it/.exec(log)?.[1];
        const end = id === undefined ? undefined : new RegExp(`${id}: ended \\(([^)]+)\\)`).exec(log)?.[1];
        if (end !== undefined) resolve(end);
      };
      nodeB.proc.stderr?.on("data", check);
      check();
    });
    // A clean exit: the host closes our stdin, and waits.
    await endServer(leaving);
    await leaving.close();
    // It ended by itself once its turn was over (stdin closed: exit code 0), not killed.
    expect(await ended).toBe("0");
  });
});

describe("without a shared Redis", () => {
  it("refuses machine with an error saying the fleet needs one", { timeout: 60_000 }, async () => {
    const alone = await startE2E();
    try {
      const answer = await alone.client.callTool({ name: "launch_agent", arguments: { provider: "claude", machine: "b", prompt: "x" } });
      expect(answer.isError).toBe(true);
      expect(JSON.stringify(answer.content)).toContain("machine needs the fleet: set SUBAGENT_MCP_MAILBOX_URL");
    } finally {
      await alone.close();
    }
  });
});
