import type { AgentEvent, Driver, Session } from "@subagent-mcp/core";
import { Supervisor } from "@subagent-mcp/core";
import { turnCost } from "@subagent-mcp/usage";
import { summarize, type Summary } from "../stats.js";

/** What one streamed text event costs the supervisor, with a budget to check and without. */
export interface BudgetCheckResult {
  events: number;
  /** Nanoseconds per text event (median / p95 over the runs). */
  withoutBudget: Summary;
  withBudget: Summary;
  addedNsMedian: number;
}

// A session that only streams what the bench pushes: the supervisor's own work is what is timed.
function streamingDriver(): { driver: Driver; emit: () => (event: AgentEvent) => void } {
  let last: ((event: AgentEvent) => void) | undefined;
  const session: Session = {
    pid: 1,
    send: () => undefined,
    interrupt: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    close: () => Promise.resolve(),
    kill: () => Promise.resolve(),
  };
  const driver: Driver = {
    provider: "claude",
    start: (_spec, onEvent) => {
      last = onEvent;
      return session;
    },
  };
  return { driver, emit: () => last as (event: AgentEvent) => void };
}

const MODEL = "bench-model";

function timeEvents(events: number, budget: boolean): number {
  const { driver, emit } = streamingDriver();
  // Priced as the server prices a turn, here at $1 per million output tokens.
  const supervisor = new Supervisor({ drivers: { claude: driver }, costOf: turnCost({ [MODEL]: { input: 0, output: 1 } }) });
  supervisor.launch({
    provider: "claude",
    model: MODEL,
    cwd: "/",
    prompt: "stream",
    ...(budget ? { budget: { max_tokens: 1e12, max_cost_usd: 1e9, max_seconds: 1e9, max_turns: 1e6 } } : {}),
  });
  const onEvent = emit();
  const event: AgentEvent = { type: "text", delta: "a short streamed piece of text " };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events; i++) onEvent(event);
  const ns = Number(process.hrtime.bigint() - t0) / events;
  void supervisor.shutdown();
  return ns;
}

/** Streams `events` text events through a supervisor `runs` times each way, alternating. */
export function budgetCheckBench(runs: number, events = 20_000): BudgetCheckResult {
  const without: number[] = [];
  const withBudget: number[] = [];
  timeEvents(events, false); // warm-up: JIT and caches for both paths
  timeEvents(events, true);
  for (let i = 0; i < runs; i++) {
    without.push(timeEvents(events, false));
    withBudget.push(timeEvents(events, true));
  }
  const a = summarize(without);
  const b = summarize(withBudget);
  return { events, withoutBudget: a, withBudget: b, addedNsMedian: Math.round((b.median - a.median) * 10) / 10 };
}
