import type { AgentRecord, LaunchRequest } from "../lifecycle/agent.js";
import { describeCandidate, type CheckOutcome, type Fallback } from "./candidate.js";
import type { FailoverPlan } from "./failover.js";
import type { TurnOutcome } from "../lifecycle/state.js";
import { definedFields } from "@subagent-mcp/contract/fields";

// Escalation, as pure decisions over a record (as failover.ts is for transient failures): whether
// a finished first turn is checked, whether it goes to a stronger candidate, and the prompt that
// hands it the earlier attempt. supervisor-escalation.ts runs the check and swaps the sessions.

/** How a launch escalates: on an error of its turn, or on a check command that fails after it. */
export interface Escalation {
  /** error: the first turn ended in an error; check: or its check failed; suspect: or its receipt flags a claim the facts do not back (and its check, if it has one, failed); review: or its reviewer requested changes. */
  on: "error" | "check" | "suspect" | "review";
  /** Shell command run in the agent's cwd after its first turn (on: check); a non-zero exit fails it. */
  check?: string;
  /** Stronger candidates left to try, weakest first (each step takes the next one). */
  ladder: Fallback[];
  /** The task as the caller gave it, handed to each stronger candidate with what went wrong. */
  task: string;
}

/** Characters of an attempt's answer and of a check's output handed to the next attempt. */
const HANDED_RESULT_CHARS = 4_000;
const HANDED_CHECK_CHARS = 4_000;

/** What to do once the first turn of an escalating launch ended: report it, check it, or escalate now. */
export function escalationStep(record: AgentRecord, outcome: TurnOutcome, turn: number): "report" | "check" | "escalate" {
  const plan = record.request.escalate;
  if (plan === undefined || turn !== 1 || outcome.interrupted || record.state.stopRequested) return "report";
  if (outcome.isError || rejectionOf(outcome, plan.on) !== undefined) return plan.ladder.length > 0 ? "escalate" : "report";
  return plan.on !== "error" && plan.check !== undefined ? "check" : "report";
}

/** The move to the next stronger candidate with the task and what went wrong; undefined when none is left. */
export function planEscalation(record: AgentRecord, outcome: TurnOutcome, check: CheckOutcome | undefined): FailoverPlan | undefined {
  const { request } = record;
  const plan = request.escalate;
  const [next, ...rest] = plan?.ladder ?? [];
  if (plan === undefined || next === undefined) return undefined;
  const { model: _m, effort: _e, placement, ...base } = request;
  const reason = escalationReason(outcome, check);
  const nextRequest: LaunchRequest = {
    ...base,
    provider: next.provider,
    // A stronger candidate that fails transiently is not replaced by a weaker one.
    fallbacks: [],
    prompt: handOverPrompt(plan.task, request, outcome.result, check, outcome.isError ? undefined : suspectOf(outcome), rejectedBy(outcome)),
    escalate: { ...plan, ladder: rest },
    ...definedFields({ model: next.model, effort: next.effort, placement: next.placement }),
  };
  return {
    request: nextRequest,
    attempt: {
      provider: request.provider,
      model: record.state.model ?? request.model,
      effort: request.effort,
      ...(placement === undefined ? {} : { machine: record.session?.machine ?? placement.machine }),
      reason,
      kind: "escalation",
      result: clip(outcome.result, HANDED_RESULT_CHARS),
      ...definedFields({ check, costUsd: outcome.costUsd, receipt: outcome.receipt }),
    },
    backlog: [],
  };
}

/** What a turn's receipt flags as unbacked, in one line (undefined: nothing, or no receipt). */
export function suspectOf(outcome: Pick<TurnOutcome, "receipt">): string | undefined {
  const suspect = outcome.receipt?.suspect ?? [];
  return suspect.length === 0 ? undefined : suspect.map((s) => s.evidence).join("; ");
}

/** What a finished turn is handed on for beyond an error, as `on` says: a suspect receipt (on suspect), a review asking for changes (on review). */
export function rejectionOf(outcome: Pick<TurnOutcome, "receipt">, on: Escalation["on"]): string | undefined {
  if (on === "suspect") return suspectOf(outcome);
  return on === "review" ? rejectedBy(outcome) : undefined;
}

/** The review of a turn that asked for changes, in one line (undefined: none did). */
export function rejectedBy(outcome: Pick<TurnOutcome, "receipt">): string | undefined {
  const review = outcome.receipt?.review;
  if (review?.verdict !== "changes_requested") return undefined;
  return `the review by ${review.provider} requested changes${review.reasons.length === 0 ? "" : `: ${review.reasons.join("; ")}`}`;
}

/** Why an attempt was handed on: its error, its suspect answer, its review, or its failed check. */
export function escalationReason(outcome: TurnOutcome, check: CheckOutcome | undefined): string {
  if (check !== undefined) return checkFailure(check);
  if (outcome.isError) return `its turn ended in an error: ${clip(outcome.result, 200)}`;
  const rejected = rejectedBy(outcome);
  if (rejected !== undefined && suspectOf(outcome) === undefined) return clip(rejected, 400);
  return `its answer was suspect: ${clip(suspectOf(outcome) ?? "", 300)}`;
}

/** The text under a final turn whose check failed with no stronger candidate left. */
export function checkFailedNote(check: CheckOutcome): string {
  return `\n\n[${checkFailure(check)}; no stronger candidate is left]\n${clip(check.output, HANDED_CHECK_CHARS)}`;
}

function checkFailure(check: CheckOutcome): string {
  const how = check.exitCode === null ? "did not finish" : `exited with ${check.exitCode}`;
  return `the check \`${check.command}\` ${how}`;
}

/** The next candidate's first prompt: the task, then what the weaker one (`from`) answered and what failed. */
export function handOverPrompt(
  task: string,
  from: Parameters<typeof describeCandidate>[0],
  result: string,
  check: CheckOutcome | undefined,
  suspect?: string,
  rejected?: string,
): string {
  const who = describeCandidate(from);
  const parts = [task, "", `--- An earlier attempt at this task (${who}) did not succeed. Its answer was:`, clip(result, HANDED_RESULT_CHARS) || "(no answer)"];
  if (suspect !== undefined) parts.push("", `--- What it did does not back that answer: ${suspect}.`, "Do the task itself, and check your work.");
  if (rejected !== undefined)
    parts.push("", `--- Then ${rejected}.`, "Its changes, if any, are still in the working directory. Finish the task so that they are addressed.");
  if (check !== undefined) {
    parts.push("", `--- Then ${checkFailure(check)}. The end of its output:`, clip(check.output, HANDED_CHECK_CHARS) || "(no output)");
    parts.push("", "Its changes, if any, are still in the working directory. Finish the task so that the check passes.");
  }
  return parts.join("\n");
}

// The end of a text is where a failure shows; its start is where an answer starts. Keep the end of outputs, the start of answers.
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
