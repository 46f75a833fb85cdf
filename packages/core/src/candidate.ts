import type { Provider } from "./events.js";

/** A candidate to fall back to when the first turn fails for a transient reason. */
export interface Fallback {
  provider: Provider;
  model?: string;
  effort?: string;
}

/** One failed try of a launch candidate. */
export interface FailoverAttempt {
  provider: Provider;
  model: string | undefined;
  effort: string | undefined;
  reason: string;
}

/** "provider/model (effort)"; "default" stands for the CLI's own choice of model. */
export function describeCandidate(c: Fallback): string {
  return `${c.provider}/${c.model ?? "default"}${c.effort === undefined ? "" : ` (${c.effort})`}`;
}

/** The lines under a failed turn's result naming every candidate tried, the current one last. */
export function describeAttempts(attempts: readonly FailoverAttempt[], current: Fallback): string {
  const lines = attempts.map((a, i) => `${i + 1}. ${describeCandidate(a)}: transient — ${a.reason}`);
  return `attempts:\n${lines.join("\n")}\n${lines.length + 1}. ${describeCandidate(current)}: failed (above)`;
}
