import type { Driver } from "../driver/driver.js";
import type { Provider, Receipt } from "@subagent-mcp/contract";

/** A candidate to fall back to when the first turn fails for a transient reason. */
export interface Fallback {
  provider: Provider;
  model?: string;
  effort?: string;
  /** The machine of the fleet it runs on (a node's name or "any"); absent: this one. */
  machine?: string;
  /** How it runs there: a driver placing its session on that machine as it starts. */
  placement?: { machine: string; driver: Driver };
}

/** One failed try of a launch candidate. */
export interface FailoverAttempt {
  provider: Provider;
  model: string | undefined;
  effort: string | undefined;
  machine?: string | undefined;
  reason: string;
  /** escalation: its turn ended in an error or failed its check, and a stronger candidate took the task over. Absent: a transient failover. */
  kind?: "escalation";
  /** An escalated attempt's answer (clipped), handed to the next one. */
  result?: string;
  /** The check it failed, with the end of its output. */
  check?: CheckOutcome;
  costUsd?: number;
  /** An escalated attempt's receipt (with a witness): what it did before the task moved on. */
  receipt?: Receipt;
}

/** What a task's check command said after a turn. */
export interface CheckOutcome {
  command: string;
  ok: boolean;
  /** null: it did not exit on its own (a timeout, a signal, or it could not start). */
  exitCode: number | null;
  /** The end of its stdout and stderr, interleaved. */
  output: string;
  durationMs: number;
}

/** "provider/model (effort)", and "on MACHINE" when it runs elsewhere; "default" stands for the CLI's own choice of model. */
export function describeCandidate(c: Pick<Fallback, "provider" | "model" | "effort" | "machine">): string {
  const where = c.machine === undefined ? "" : ` on ${c.machine}`;
  return `${c.provider}/${c.model ?? "default"}${c.effort === undefined ? "" : ` (${c.effort})`}${where}`;
}

/** The lines under a failed turn's result naming every candidate tried, the current one last. */
export function describeAttempts(attempts: readonly FailoverAttempt[], current: Fallback): string {
  const lines = attempts.map((a, i) => `${i + 1}. ${describeCandidate(a)}: ${a.kind === "escalation" ? "escalated" : "transient"} — ${a.reason}`);
  return `attempts:\n${lines.join("\n")}\n${lines.length + 1}. ${describeCandidate(current)}: failed (above)`;
}
