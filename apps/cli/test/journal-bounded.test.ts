import { spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stateDir } from "@subagent-mcp/state";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBigJournal, type BigJournal } from "@subagent-mcp/testkit";
import { startDashboardCli } from "./dashboard-cli.js";
import { bin, startE2E, type E2E } from "./e2e.js";

// A past agent whose journal is 40 MB: each call reads what it answers from, never the whole of it.
// Then one of 200 MB: every reader (logs, usage, the dashboard, the server's tools) streams it,
// its memory growing by far less than the journal.
const BYTES = 40 * 1024 * 1024;
const BIG_BYTES = 200 * 1024 * 1024;

interface Row {
  agent_id: string;
  status: string;
  turns: number;
  past?: boolean;
  why?: string;
  model?: string;
}
interface Page {
  turns: { turn: number; result?: string }[];
  total_turns: number;
  next_turn?: number;
  earlier_turn?: number;
}

let e: E2E;
let made: { agentId: string; turns: number };
beforeAll(async () => {
  e = await startE2E();
  const agents = join(stateDir({ home: e.env.home, env: e.env.env }), "agents");
  // A pid no process has: the server that ran the agent is gone.
  made = writeBigJournal(agents, "big0past", realpathSync(e.env.cwd), 2 ** 22 + 12_345, BYTES);
}, 120_000);
afterAll(async () => {
  await e.close();
});

// Bytes the server process has read so far (every read, files and pipes alike).
function bytesRead(): number {
  const pid = e.transport.pid;
  if (pid === null) throw new Error("no server pid");
  return Number(/rchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1]);
}

describe("a 40 MB journal", () => {
  it("list_agents {include_past}, transcript from the start and from the end each read a bounded part of it", { timeout: 120_000 }, async () => {
    // The server's own code loads on the first calls: loaded once before measuring.
    await e.call("list_agents");
    await e.call("transcript", { agent_id: "big0past", max_chars: 200 }).catch(() => undefined);
    // What one call read: far less than the journal (the server's reads of stdin count too).
    let mark = bytesRead();
    const readSince = (): number => {
      const [then, now] = [mark, (mark = bytesRead())];
      return now - then;
    };
    const { agents } = await e.call<{ agents: Row[] }>("list_agents", { include_past: true });
    const row = agents.find((a) => a.agent_id === "big0past");
    expect(row).toMatchObject({ status: "ended", past: true, turns: made.turns, model: "claude-sonnet-4-5" });
    expect(row?.why).toContain("stopped without shutting down");
    expect(readSince()).toBeLessThan(2 * 1024 * 1024);
    const first = await e.call<Page>("transcript", { agent_id: "big0past" });
    expect(first.turns[0]?.turn).toBe(1);
    expect(first.total_turns).toBe(made.turns);
    expect(first.next_turn).toBe((first.turns.at(-1)?.turn ?? 0) + 1);
    expect(readSince()).toBeLessThan(3 * 1024 * 1024);
    const latest = await e.call<Page>("transcript", { agent_id: "big0past", latest: true });
    expect(latest.turns.at(-1)?.turn).toBe(made.turns);
    expect(latest.turns.at(-1)?.result).toContain(`(turn ${made.turns})`);
    expect(latest.earlier_turn).toBe(latest.turns[0]?.turn);
    expect(readSince()).toBeLessThan(3 * 1024 * 1024);
    const earlier = await e.call<Page>("transcript", { agent_id: "big0past", before_turn: latest.earlier_turn });
    expect(earlier.turns.at(-1)?.turn).toBe((latest.earlier_turn ?? 0) - 1);
    expect(readSince()).toBeLessThan(3 * 1024 * 1024);
  });
});

// Peak resident memory of a process so far (VmHWM), and its resident memory now (VmRSS), MB.
function memMb(pid: number, field: "VmHWM" | "VmRSS"): number {
  const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

// A preloaded script that writes the process's peak resident memory (KB) to PEAK_RSS_FILE as it exits.
const PEAK_RSS = `process.on("exit", () => require("node:fs").writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));`;

describe("a 200 MB journal in 50 rotated files, its last line cut by a crash", () => {
  // Memory a reader may grow by, far below the journal (the whole-file reads grew by more than it).
  const BOUND_MB = 64;
  let s: E2E;
  let big: BigJournal;
  let tmp: string;
  // Peak resident memory (MB) of the built CLI running `args`, and what it printed. With `toFile`,
  // stdout goes straight to that file (a whole journal printed is more than a test should hold).
  const cli = async (args: string[], env: Record<string, string> = {}, toFile?: string): Promise<{ peakMb: number; stdout: string; stderr: string }> => {
    const file = join(tmp, `peak-${Math.random().toString(36).slice(2)}`);
    const out = toFile === undefined ? "pipe" : openSync(toFile, "w");
    const child = spawn(process.execPath, ["--require", join(tmp, "peak-rss.cjs"), bin, ...args], {
      cwd: s.env.cwd,
      env: { ...s.serverEnv, PEAK_RSS_FILE: file, ...env },
      stdio: ["ignore", out, "pipe"],
    });
    let [stdout, stderr] = ["", ""];
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "close")) as [number | null];
    if (typeof out === "number") closeSync(out);
    expect(code, stderr).toBe(0);
    return { peakMb: Number(readFileSync(file, "utf8")) / 1024, stdout, stderr };
  };
  let baselineMb: number;

  beforeAll(async () => {
    s = await startE2E();
    tmp = mkdtempSync(join(tmpdir(), "journal-memory-"));
    writeFileSync(join(tmp, "peak-rss.cjs"), PEAK_RSS);
    const agents = join(stateDir({ home: s.env.home, env: s.env.env }), "agents");
    big = writeBigJournal(agents, "big1huge", realpathSync(s.env.cwd), 2 ** 22 + 12_346, BIG_BYTES, { fileBytes: 4 * 1024 * 1024, cutLast: true });
    // The same command on an empty state folder: what the CLI takes without any journal.
    baselineMb = (await cli(["usage", "--json"], { XDG_STATE_HOME: join(tmp, "empty") })).peakMb;
  }, 300_000);
  afterAll(async () => {
    await s.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const totalTurns = (): number => big.turns;
  const totalCost = (): number => big.turns * big.perTurn.cost_usd;

  it("subagent-mcp usage sums every turn with its memory bounded", { timeout: 300_000 }, async () => {
    expect(big.files).toBeGreaterThanOrEqual(45);
    const r = await cli(["usage", "--json"]);
    const out = JSON.parse(r.stdout) as { total: { turns: number; input: number; cost_usd: number }; skipped_lines: number };
    expect(out.total.turns).toBe(totalTurns());
    expect(out.total.input).toBe(totalTurns() * big.perTurn.input);
    expect(out.total.cost_usd).toBeCloseTo(totalCost(), 6);
    expect(out.skipped_lines).toBe(1);
    expect(r.peakMb - baselineMb).toBeLessThan(BOUND_MB);
  });

  it(
    "subagent-mcp logs prints the newest turns and how to read the earlier ones, --all streams it, memory bounded; --tree reads it",
    { timeout: 300_000 },
    async () => {
      const page = await cli(["logs", "big1huge"]);
      expect(page.stdout.split("\n")[0]).toMatch(/launched big1huge on claude/);
      expect(page.stdout).toContain(`(turn ${big.turns})`);
      expect(page.stdout).not.toContain(`turn ${big.turns - 20} >`);
      expect(page.stderr).toContain(`[earlier turns: subagent-mcp logs big1huge --before-turn ${big.turns - 19}; the whole journal: --all]`);
      expect(page.stderr).toContain("1 journal line(s) could not be read");
      expect(page.peakMb - baselineMb).toBeLessThan(BOUND_MB);
      const before = await cli(["logs", "big1huge", "--before-turn", String(big.turns - 19), "--turns", "5", "--json"]);
      const turns = before.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { t: string; turn?: number })
        .filter((x) => x.t === "turn")
        .map((x) => x.turn);
      expect(turns).toEqual([-24, -23, -22, -21, -20].map((d) => big.turns + d));
      // The whole journal, streamed to a file: every turn once, the launch once.
      const printed = join(tmp, "all.jsonl");
      const all = await cli(["logs", "big1huge", "--all", "--json"], {}, printed);
      expect((await execa("grep", ["-c", '^{"t":"turn"', printed])).stdout).toBe(String(big.turns));
      expect((await execa("grep", ["-c", '^{"t":"launch"', printed])).stdout).toBe("1");
      expect(all.peakMb - baselineMb).toBeLessThan(BOUND_MB);
      // The tree streams the journal too, but holds a row per turn: right content, memory not bounded here.
      const tree = await cli(["logs", "--tree", "big1huge", "--json"]);
      const rows = JSON.parse(tree.stdout) as { agent_id: string; turns: { turn: number }[]; cost_usd: number }[];
      expect(rows[0]?.turns.at(-1)?.turn).toBe(big.turns);
      expect(rows[0]?.cost_usd).toBeCloseTo(totalCost(), 6);
    },
  );

  it("the usage tool and transcript answer from the server with its memory bounded", { timeout: 300_000 }, async () => {
    const pid = s.transport.pid ?? 0;
    // The server's code loads on the first calls.
    await s.call("list_agents");
    const before = memMb(pid, "VmRSS");
    const usage = await s.call<{ total: { turns: number; cost_usd: number } }>("usage", { project_only: false });
    expect(usage.total.turns).toBe(totalTurns());
    expect(usage.total.cost_usd).toBeCloseTo(totalCost(), 6);
    const latest = await s.call<Page>("transcript", { agent_id: "big1huge", latest: true });
    expect(latest.turns.at(-1)?.result).toContain(`(turn ${big.turns})`);
    expect(memMb(pid, "VmHWM") - before).toBeLessThan(BOUND_MB);
  });

  it("the dashboard's past transcript pages answer with its memory bounded; its timeline and usage read it", { timeout: 300_000 }, async () => {
    const d = await startDashboardCli(s.serverEnv, s.env.cwd);
    try {
      const url = new URL(d.url);
      const get = async <T>(path: string, query: Record<string, string>): Promise<T> => {
        const at = new URL(path, url.origin);
        for (const [k, v] of Object.entries({ ...query, token: url.searchParams.get("token") ?? "" })) at.searchParams.set(k, v);
        const res = await fetch(at);
        expect(res.status).toBe(200);
        return (await res.json()) as T;
      };
      const before = memMb(d.pid, "VmRSS");
      const newest = await get<{ transcript: Page }>("/api/agent", { id: "big1huge" });
      expect(newest.transcript.turns.at(-1)?.result).toContain(`(turn ${big.turns})`);
      expect(newest.transcript.total_turns).toBe(big.turns);
      const earlier = await get<{ transcript: Page }>("/api/agent", { id: "big1huge", before_turn: String(newest.transcript.earlier_turn) });
      expect(earlier.transcript.turns.at(-1)?.turn).toBe((newest.transcript.earlier_turn ?? 0) - 1);
      expect(memMb(d.pid, "VmHWM") - before).toBeLessThan(BOUND_MB);
      const timeline = await get<{ rows: { agent_id: string; turns: unknown[] }[] }>("/api/timeline", { root: "big1huge" });
      expect(timeline.rows[0]?.turns).toHaveLength(big.turns);
      const state = await get<{ usage: { total_cost_usd: number } }>("/api/state", {});
      expect(state.usage.total_cost_usd).toBeCloseTo(totalCost(), 2);
      // The timeline holds a row per turn (about 24,000 here): its memory grows with the turns, not the bytes, and is not bounded here.
    } finally {
      await d.stop();
    }
  });
});
