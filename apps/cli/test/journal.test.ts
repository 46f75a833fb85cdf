import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cliExecutable } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, type E2E } from "./e2e.js";
import { agentDir, PROVIDERS, processesOfHome, running, startAnother, until, waitAll, type ListOut, type Provider, type Served } from "./past-e2e.js";

// Agents outlive their server through the journal: a successor lists them, reads their
// transcripts and resumes their conversations, after a crash as after a clean exit.

let e: E2E | undefined;
const others: Served[] = [];
const procs: ResultPromise[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill("SIGKILL");
  await Promise.all(others.splice(0).map((o) => o.close()));
  await e?.close();
  e = undefined;
});

interface Launched {
  agent_id: string;
}

interface TranscriptOut {
  turns: { turn: number; prompts: string[]; result?: string }[];
  total_turns: number;
  next_turn?: number;
}

/** One agent per CLI, two turns each ("first alpha", then "second beta"); returns their ids by provider. */
async function twoTurns(s: E2E): Promise<Record<Provider, string>> {
  const launched = await Promise.all(PROVIDERS.map((provider) => s.call<Launched>("launch_agent", { provider, prompt: "first alpha" })));
  const ids = launched.map((l) => l.agent_id);
  await waitAll(s, ids);
  await Promise.all(ids.map((agent_id) => s.call("send_message", { agent_id, message: "second beta" })));
  const second = await waitAll(s, ids);
  for (const [i, provider] of PROVIDERS.entries()) {
    const f = second.get(ids[i] as string);
    expect(f?.is_error, `${provider}: ${JSON.stringify(f)}`).toBe(false);
    expect(f?.result).toContain(s.fakes[provider].nonce);
  }
  return Object.fromEntries(PROVIDERS.map((p, i) => [p, ids[i]])) as Record<Provider, string>;
}

/** How many turn ends an agent's journal holds. */
function turnsJournaled(s: E2E, id: string): number {
  const file = join(agentDir(s, id), "journal.jsonl");
  if (!existsSync(file)) return 0;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith('{"t":"turn"')).length;
}

/** The old server's processes, its CLIs among them, and a check that every one is gone once it is. */
function oldProcesses(s: E2E) {
  const procs = processesOfHome(s.env.home);
  const serverPid = s.transport.pid as number;
  expect(procs.map((p) => p.pid)).toContain(serverPid);
  for (const provider of PROVIDERS)
    expect(
      procs.some((p) => p.cmdline.includes(cliExecutable(provider))),
      `${provider} CLI running`,
    ).toBe(true);
  return procs;
}

/** What the successor must show: the predecessor's report, past rows, transcripts, and resumed conversations. */
async function successorResumes(s: E2E, ids: Record<Provider, string>, how: "crashed" | "exited", oldPid: number): Promise<void> {
  const next = await startAnother(s);
  others.push(next);
  const first = await next.call<ListOut>("list_agents");
  expect(first.predecessor?.how).toBe(how);
  expect(first.predecessor?.pid).toBe(oldPid);
  for (const provider of PROVIDERS) {
    const told = first.predecessor?.agents.find((a) => a.agent_id === ids[provider]);
    expect(told, `${provider} in ${JSON.stringify(first.predecessor)}`).toMatchObject({ turns: 2 });
    if (how === "exited") expect(told?.why).toBe("the server exited");
  }
  const past = await next.call<ListOut>("list_agents", { include_past: true });
  for (const provider of PROVIDERS)
    expect(past.agents.find((a) => a.agent_id === ids[provider])).toMatchObject({ provider, past: true, status: "ended", turns: 2, alive: false });

  for (const provider of PROVIDERS) {
    const t = await next.call<TranscriptOut>("transcript", { agent_id: ids[provider] });
    expect(t.total_turns).toBe(2);
    expect(t.next_turn).toBeUndefined();
    expect(t.turns.map((x) => x.turn)).toEqual([1, 2]);
    expect(t.turns[0]?.prompts).toEqual(["first alpha"]);
    expect(t.turns[1]?.prompts).toEqual(["second beta"]);
    for (const turn of t.turns) expect(turn.result).toContain(s.fakes[provider].nonce);
  }

  const resumed = await Promise.all(
    PROVIDERS.map((provider) =>
      next.call<{ how: string; prior_turns: number; agent_id: string }>("resume_agent", { agent_id: ids[provider], prompt: "[[history]]" }),
    ),
  );
  for (const [i, provider] of PROVIDERS.entries()) expect(resumed[i]).toMatchObject({ agent_id: ids[provider], how: "resumed", prior_turns: 2 });
  const results = await waitAll(next, Object.values(ids));
  for (const provider of PROVIDERS) {
    const f = results.get(ids[provider]);
    expect(f?.is_error, `${provider}: ${JSON.stringify(f)}`).toBe(false);
    expect(f?.result, provider).toContain(`${s.fakes[provider].nonce} history:`);
    expect(f?.result, provider).toContain("first alpha");
    expect(f?.result, provider).toContain("second beta");
    expect(f?.result, provider).toContain("[subagent-mcp: your previous session was interrupted");
    // The resumed conversation goes on numbering its turns after the journaled ones.
    const t = await next.call<TranscriptOut>("transcript", { agent_id: ids[provider], from_turn: 3 });
    expect(t.total_turns).toBe(3);
    expect(t.turns).toEqual([expect.objectContaining({ turn: 3, prompts: [expect.stringMatching(/interrupted[\s\S]*\[\[history\]\]$/)], result: f?.result })]);
  }
}

/** Collects a process's stdout; `seen` resolves once it holds `needle` (rejects if the process ends first). */
function watchStdout(proc: ResultPromise): { text: () => string; seen: (needle: string) => Promise<void> } {
  let out = "";
  const waiters = new Set<() => void>();
  proc.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) w();
  });
  return {
    text: () => out,
    seen: (needle) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!out.includes(needle)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
        void proc.then((r) => {
          if (!out.includes(needle)) reject(new Error(`ended (${String(r.exitCode)}) before printing ${needle}:\n${out}\n${String(r.stderr)}`));
        });
      }),
  };
}

describe("agents outlive their server through the journal", () => {
  // Gemini's resume may wait for the next minute (see the drivers' untilGeminiCanLoad): up to a minute more.
  it("after a SIGKILL of the server: the successor reports the crash, lists, reads and resumes all three CLIs", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E());
    const ids = await twoTurns(s);
    // An answer goes out only once the turns it reports are in the journal: the kill may come at once.
    expect(Object.values(ids).map((id) => turnsJournaled(s, id))).toEqual(Object.values(ids).map(() => 2));
    const procs = oldProcesses(s);
    const oldPid = s.transport.pid as number;
    process.kill(oldPid, "SIGKILL");
    await until("every process of the killed server to end", () => procs.every((p) => !running(p)));
    expect(processesOfHome(s.env.home)).toEqual([]);
    await successorResumes(s, ids, "crashed", oldPid);
  });

  it("after a clean exit (stdin closed): the successor reports the exit and resumes all three CLIs", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E());
    const ids = await twoTurns(s);
    const procs = oldProcesses(s);
    const oldPid = s.transport.pid as number;
    await s.client.close();
    await until("every process of the exited server to end", () => procs.every((p) => !running(p)));
    expect(processesOfHome(s.env.home)).toEqual([]);
    await successorResumes(s, ids, "exited", oldPid);
  });

  it("subagent-mcp logs prints the turns, --json parseable entries, --follow a live agent until it is killed", async () => {
    const s = (e = await startE2E());
    const nonce = s.fakes.claude.nonce;
    const { agent_id } = await s.call<Launched>("launch_agent", { provider: "claude", prompt: "first alpha" });
    await waitAll(s, [agent_id]);
    await s.call("send_message", { agent_id, message: "second beta" });
    await waitAll(s, [agent_id]);
    const logs = (...args: string[]) => execa(process.execPath, [bin, "logs", agent_id, ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });

    const text = (await logs()).stdout;
    expect(text).toMatch(new RegExp(`launched ${agent_id} on claude( \\(\\S+\\))? in ${s.env.cwd}`));
    expect(text).toContain("turn 1 > first alpha");
    expect(text).toContain("turn 2 > second beta");
    expect(text).toMatch(new RegExp(`turn 1 done in \\d+ ms.*: ${nonce} echo: first alpha`));
    expect(text).toMatch(new RegExp(`turn 2 done in \\d+ ms.*: ${nonce} echo: second beta`));

    const json = (await logs("--json")).stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { t: string; [k: string]: unknown });
    expect(json[0]).toMatchObject({ t: "launch", agent_id, provider: "claude", cwd: s.env.cwd });
    expect(json.filter((x) => x.t === "prompt").map((x) => [x.turn, x.text])).toEqual([
      [1, "first alpha"],
      [2, "second beta"],
    ]);
    expect(json.filter((x) => x.t === "turn").map((x) => [x.turn, x.result])).toEqual([
      [1, `${nonce} echo: first alpha`],
      [2, `${nonce} echo: second beta`],
    ]);

    const follow = execa(process.execPath, [bin, "logs", agent_id, "--follow"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false, reject: false });
    procs.push(follow);
    const out = watchStdout(follow);
    await out.seen(`${nonce} echo: second beta`);
    expect(out.text()).not.toContain("third gamma");
    await s.call("send_message", { agent_id, message: "third gamma" });
    await out.seen(`: ${nonce} echo: third gamma`);
    expect(out.text()).toMatch(/turn 3 > third gamma[\s\S]*turn 3 done in \d+ ms/);
    await s.call("kill_agent", { agent_id });
    const ended = await follow;
    expect(ended.exitCode, ended.stderr).toBe(0);
    expect(out.text().trim().split("\n").at(-1)).toMatch(/ended stopped: killed$/);
  });
});
