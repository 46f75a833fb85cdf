import type { AgentEvent, CostOf, Driver, Session } from "@subagent-mcp/core";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
import { appendFileSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { effectiveBudget, readBudgetFile, readStatus, spentFrom, Worker, WorkerBudget, WorkerFiles, writeBudgetFile } from "../src/index.js";
import type { TurnLog, Usage } from "@subagent-mcp/contract";

const usage: Usage = { input: 100, output: 50, cacheRead: 1_000, cacheWrite: 10 };
// A price table's answer: $1 per thousand counted tokens, unknown for any model but "m".
const costOf: CostOf = (_provider, model, u) => (model === "m" ? (u.input + u.output + u.cacheWrite) / 1_000 : undefined);

function turn(extra: Partial<TurnLog> = {}): TurnLog {
  return {
    at: "2026-01-01T00:00:00.000Z",
    worker: "w",
    messages: ["a"],
    from: ["shell"],
    thread: "t",
    attempt: 1,
    latencyMs: 2_000,
    exit: "ok",
    outcome: "replied",
    tokens: usage,
    ...extra,
  };
}

function dir(): string {
  const d = join(mkdtempSync(join(tmpdir(), "worker-budget-")), "workers", "w");
  mkdirSync(d, { recursive: true });
  return d;
}

/** A driver whose every turn answers at once, on model "m", with `usage` and no cost of its own. */
function answering(): Driver {
  return {
    provider: "claude",
    start(_spec, onEvent): Session {
      return {
        pid: 1,
        send: (text) => {
          onEvent({ type: "started", sessionId: "s-1", model: "m" });
          onEvent({ type: "turn_end", result: `answered ${text.length}`, isError: false, usage, durationMs: 1 } satisfies AgentEvent);
        },
        interrupt: () => Promise.resolve(),
        reset: () => Promise.resolve(),
        close: () => Promise.resolve(),
        kill: () => Promise.resolve(),
      };
    },
  };
}

describe("a worker's spending", () => {
  it("adds up its turn log: the CLI's cost when given, else the price table's, skipping cut lines", () => {
    const files = new WorkerFiles(dir());
    files.appendTurn(turn({ costUsd: 0.5, provider: "claude", model: "x" }));
    files.appendTurn(turn({ model: "m" }));
    files.appendTurn(turn()); // an older line: no model, so the worker's own is assumed
    files.appendTurn(turn({ model: "unpriced", tokens: undefined, latencyMs: 500 }));
    appendFileSync(files.logPath, '{"at": "cut sh');
    const spent = spentFrom(files.turns(), costOf, { provider: "claude", model: "m" });
    expect(spent).toEqual({ costUsd: 0.5 + 0.16 + 0.16, tokens: 3 * 160, turns: 4, seconds: 6.5 });
    expect(spentFrom(files.turns(), costOf, { provider: "claude" }).costUsd).toBeCloseTo(0.66);
  });

  it("takes each limit the budget file names over its own, and keeps the others", () => {
    const d = dir();
    expect(readBudgetFile(d)).toBeUndefined();
    writeBudgetFile(d, { max_turns: 5 });
    writeBudgetFile(d, { max_cost_usd: 2 });
    expect(statSync(join(d, "budget.json")).mode & 0o777).toBe(0o600);
    const file = readBudgetFile(d);
    expect(file).toMatchObject({ max_turns: 5, max_cost_usd: 2 });
    expect(effectiveBudget({ max_turns: 1, max_tokens: 100 }, file)).toEqual({ max_turns: 5, max_tokens: 100, max_cost_usd: 2 });
    expect(effectiveBudget({ max_turns: 1 }, undefined)).toEqual({ max_turns: 1 });
  });
});

describe("WorkerBudget", () => {
  it("warns once past 80 %, pauses at the limit with how to raise it, and goes on after a raise", () => {
    const d = dir();
    const said: string[] = [];
    const budget = new WorkerBudget({
      name: "w",
      dir: d,
      budget: { max_tokens: 500 },
      costOf,
      defaults: { provider: "claude", model: "m" },
      turns: [turn(), turn()],
      say: (line) => said.push(line),
    });
    expect(budget.spent.tokens).toBe(320);
    expect(budget.reached()).toBeUndefined();
    expect(said).toEqual([]);
    budget.record(turn());
    expect(budget.reached()).toBeUndefined();
    expect(budget.reached()).toBeUndefined();
    expect(said).toEqual(["budget warning: max_tokens 500 tokens: 480 tokens spent (96 %); raise it with subagent-mcp worker budget w --tokens N"]);
    budget.record(turn());
    const reason = budget.reached();
    expect(reason).toBe("max_tokens 500 tokens: 640 tokens spent (128 %)");
    budget.pause(reason);
    budget.pause(reason);
    expect(said.slice(1)).toEqual([
      `paused at its budget (${reason ?? ""}); messages wait in its mailbox until it is raised: subagent-mcp worker budget w --tokens N`,
    ]);
    expect(readStatus(d)).toMatchObject({ paused: { reason }, budget: { max_tokens: 500 }, spent: { tokens: 640, turns: 4 } });

    writeBudgetFile(d, { max_tokens: 10_000 });
    expect(budget.reached()).toBeUndefined();
    budget.pause(undefined);
    expect(readStatus(d)?.paused).toBeUndefined();
    expect(readStatus(d)?.budget).toEqual({ max_tokens: 10_000 });
  });
});

describe("Worker at its budget", () => {
  it("leaves the next message in the mailbox, says why in its status, and answers it once the budget file raises the limit", async () => {
    const root = mkdtempSync(join(tmpdir(), "worker-budget-run-"));
    const mail = new Maildir(join(root, "mail"), { pollMs: 20 });
    const files = new WorkerFiles(join(root, "workers", "w"));
    const said: string[] = [];
    let onLine: ((line: string) => void) | undefined;
    const make = (): Worker =>
      new Worker({
        name: "w",
        mail: asyncStore(mail),
        driver: answering(),
        files,
        spec: { cwd: root },
        budget: { max_turns: 1 },
        costOf,
        say: (line) => {
          said.push(line);
          onLine?.(line);
        },
      });
    // Set before the run starts: the line is said during it.
    const paused = (): Promise<void> =>
      new Promise((resolve) => {
        onLine = (line) => {
          if (line.startsWith("paused at its budget")) resolve();
        };
      });

    mail.send({ from: "shell", to: "w", body: "first", priority: "normal" });
    const second = mail.send({ from: "shell", to: "w", body: "second", priority: "normal" });
    const stop = new AbortController();
    const firstPause = paused();
    const running = make().run(stop.signal);
    await firstPause;
    expect(files.turns()).toHaveLength(1);
    expect(files.turns()[0]).toMatchObject({ provider: "claude", model: "m", outcome: "replied" });
    expect(mail.peek("w").map((m) => m.body)).toEqual(["second"]);
    expect(mail.peek("w")[0]?.attempts).toBe(0);
    expect(readStatus(files.dir)?.paused?.reason).toBe("max_turns 1 turns: 1 turns spent (100 %)");

    // A restart does not reset what it spent: the new run pauses before taking anything.
    stop.abort();
    await running;
    const again = new AbortController();
    const secondPause = paused();
    const rerun = make().run(again.signal);
    await secondPause;
    expect(mail.peek("w")).toHaveLength(1);
    expect(files.turns()).toHaveLength(1);

    writeBudgetFile(files.dir, { max_turns: 5 });
    expect(await mail.wait("shell", 30_000, undefined, (m) => m.replyTo === second.id)).toBe(true);
    again.abort();
    await rerun;
    expect(files.turns()).toHaveLength(2);
    expect(mail.pending("w")).toBe(0);
    expect(readStatus(files.dir)?.paused).toBeUndefined();
    expect(said).toContain("budget raised: taking messages again");
  });
});
