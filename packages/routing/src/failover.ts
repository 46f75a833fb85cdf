import { classifyFailure, type FailureClass } from "./classify.js";
import type { Candidate } from "./table.js";

/** One try of one candidate. */
export interface Attempt {
  candidate: Candidate;
  class: FailureClass | "ok";
  reason: string;
}

/** What a try reports. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; message: string; status?: number };

/**
 * Tries candidates in order: a transient failure moves on to the next, a permanent one stops.
 * Every attempt is recorded so that one error can list them all.
 */
export async function failover<T>(
  candidates: Candidate[],
  attempt: (candidate: Candidate) => Promise<AttemptOutcome<T>>,
): Promise<{ ok: true; value: T; candidate: Candidate; attempts: Attempt[] } | { ok: false; attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  for (const candidate of candidates) {
    const outcome = await attempt(candidate);
    if (outcome.ok) {
      attempts.push({ candidate, class: "ok", reason: "" });
      return { ok: true, value: outcome.value, candidate, attempts };
    }
    const cls = classifyFailure(outcome.message, outcome.status);
    attempts.push({ candidate, class: cls, reason: outcome.message });
    if (cls === "permanent") break;
  }
  return { ok: false, attempts };
}

/** "provider/model (effort)". */
export function describeCandidate(c: Candidate): string {
  return `${c.provider}/${c.model}${c.effort === undefined ? "" : ` (${c.effort})`}`;
}

/** One text listing every attempt: candidate, class and reason. */
export function describeAttempts(attempts: Attempt[]): string {
  return attempts.map((a, i) => `${i + 1}. ${describeCandidate(a.candidate)}: ${a.class}${a.reason ? ` — ${a.reason}` : ""}`).join("\n");
}
