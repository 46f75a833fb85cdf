import type { AgentRecord } from "../lifecycle/agent.js";
import type { TurnOutcome } from "../lifecycle/state.js";
import type { Budget } from "../budget/budget.js";
import { spentOf } from "../budget/spending.js";
import { changedFiles, DIFF_CHARS, reviewerFor } from "../review/review-prompt.js";
import type { ReviewAsk, ReviewOutcome } from "../review/reviewer.js";
import type { Clock } from "./clock.js";
import type { SupervisorOptions } from "./supervisor-options.js";
import type { AgentAction } from "../lifecycle/state.js";

// A second opinion before a turn is reported: while the reviewer reads the turn's work, the author
// counts as processing (as during a check: follow-ups are held), and what the review spent is the
// author's. supervisor-escalation.ts then reports the reviewed turn, or escalates a rejected one.

/** What a review needs of the supervisor. */
export interface ReviewHost {
  clock: Clock;
  apply(record: AgentRecord, action: AgentAction): void;
  /** Runs a review through the supervisor (see reviewer.ts); absent: turns are not reviewed. */
  review?: (ask: ReviewAsk) => Promise<ReviewOutcome>;
  options: Pick<SupervisorOptions, "witness" | "costOf">;
}

/** Whether turn `outcome` of `record` is reviewed: its launch asks for it and the turn changed files here. */
export function needsReview(host: ReviewHost, record: AgentRecord, outcome: TurnOutcome): boolean {
  return (
    host.review !== undefined &&
    record.request.review !== undefined &&
    record.request.placement === undefined &&
    !outcome.isError &&
    !outcome.interrupted &&
    !record.state.stopRequested &&
    changedFiles(outcome.receipt)
  );
}

/** Reviews the turn, then hands `then` the outcome with the verdict in its receipt (the turn as it was, if it was stopped meanwhile). */
export function startReview(host: ReviewHost, record: AgentRecord, outcome: TurnOutcome, then: (reviewed: TurnOutcome) => void): void {
  const plan = record.request.review;
  const run = host.review;
  if (plan === undefined || run === undefined || outcome.receipt === undefined) {
    then(outcome);
    return;
  }
  const receipt = outcome.receipt;
  const reviewer = reviewerFor(plan, record.request.provider) ?? "nobody";
  host.apply(record, { type: "check_started", at: host.clock.now(), command: `review by ${reviewer}` });
  if (record.state.checking === undefined) {
    then(outcome);
    return;
  }
  const abort = (record.checkAbort = new AbortController());
  const epoch = record.epoch;
  const author = { id: record.id, provider: record.request.provider, model: record.state.model ?? record.request.model };
  void (async () => {
    const diff = await host.options.witness?.diff?.(record.id, DIFF_CHARS).catch(() => undefined);
    const out = await run({
      plan,
      input: { task: record.turnPrompt ?? record.request.prompt ?? "", author, answer: outcome.result, receipt, diff },
      author: record.request,
      budget: leftOf(record, host),
      signal: abort.signal,
    });
    if (record.epoch !== epoch || record.checkAbort !== abort) return;
    delete record.checkAbort;
    chargeReview(record, out);
    then({ ...outcome, receipt: { ...receipt, review: out.review } });
  })();
}

// The reviewer spends from the author's budget: what is left of each limit it can spend (turns are the author's own).
function leftOf(record: AgentRecord, host: ReviewHost): Budget | undefined {
  const limits = record.request.budget;
  if (limits === undefined) return undefined;
  const spent = spentOf(record, host.clock.now(), host.options.costOf);
  const left: Budget = {};
  if (limits.max_cost_usd !== undefined && spent.costUsd !== undefined) left.max_cost_usd = Math.max(1e-6, limits.max_cost_usd - spent.costUsd);
  if (limits.max_tokens !== undefined) left.max_tokens = Math.max(1, limits.max_tokens - spent.tokens);
  if (limits.max_seconds !== undefined) left.max_seconds = Math.max(1, limits.max_seconds - spent.seconds);
  return Object.keys(left).length === 0 ? undefined : left;
}

// What the review cost counts against the author's budget.
function chargeReview(record: AgentRecord, out: ReviewOutcome): void {
  const s = record.spending;
  if (out.spent.costUsd !== undefined) s.costUsd += out.spent.costUsd;
  s.others += out.spent.tokens;
}
