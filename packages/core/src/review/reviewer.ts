import type { Budget, ReceiptReview } from "@subagent-mcp/contract";
import type { AgentView, LaunchRequest, TurnReport } from "../lifecycle/agent.js";
import type { Supervisor } from "../supervisor/supervisor.js";
import { clip, parseVerdict, reviewerFor, reviewPrompt, type ReviewInput, type ReviewPlan } from "./review-prompt.js";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

// Runs one review: an agent of the reviewer's CLI, launched through the same supervisor (so its
// caps, sandbox, journal and usage count it like any agent), read-only (plan mode, and nothing it
// would ask about is granted: there is nobody to ask), under what is left of the author's budget.
// Its one turn gives the verdict; then it is ended.

/** One review to run. */
export interface ReviewAsk {
  plan: ReviewPlan;
  input: ReviewInput;
  /** The author's launch: the reviewer reads in its folder and environment, held to its rules (see reviewerRules). */
  author: Pick<LaunchRequest, "cwd" | "env" | "permissionPolicy" | "rules">;
  /** What is left of the author's budget (the reviewer spends from it); undefined: no budget. */
  budget: Budget | undefined;
  /** How long the reviewer may take (default 10 minutes). */
  timeoutMs?: number;
  /** The author was stopped (interrupt, kill): the review ends undetermined. */
  signal?: AbortSignal;
}

/** What a review cost its author, beside the verdict. */
export interface ReviewOutcome {
  review: ReceiptReview;
  spent: { costUsd: number | undefined; tokens: number };
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Launches the reviewer, waits for its turn (or its end, or the timeout), ends it and reads its verdict. Never rejects. */
export async function runReview(supervisor: Supervisor, ask: ReviewAsk): Promise<ReviewOutcome> {
  const none = { costUsd: 0, tokens: 0 };
  const provider = reviewerFor(ask.plan, ask.input.author.provider);
  if (provider === undefined)
    return { review: undetermined("none", ask.plan.model, "no installed CLI of another vendor than the author's to review it"), spent: none };
  let view: AgentView;
  try {
    view = supervisor.launch({
      provider,
      cwd: ask.author.cwd,
      prompt: reviewPrompt(ask.input),
      permissionMode: "plan",
      label: `review of ${ask.input.author.id}`,
      ...definedFields({ model: ask.plan.model, env: ask.author.env, budget: ask.budget }),
      ...reviewerRules(ask.author),
    });
  } catch (error) {
    return { review: undetermined(provider, ask.plan.model, `the reviewer could not start: ${errorMessage(error)}`), spent: none };
  }
  const ended = await firstTurnOf(supervisor, view.id, ask.timeoutMs ?? DEFAULT_TIMEOUT_MS, ask.signal);
  // Its report is nobody's answer: `wait` on every agent does not see it.
  supervisor.takeReport(view.id, 1);
  const model = modelOf(supervisor, view.id) ?? ask.plan.model;
  await supervisor.kill(view.id).catch(() => undefined);
  if (ended.report === undefined) return { review: undetermined(provider, model, ended.why, view.id), spent: none };
  const { report } = ended;
  const tokens = report.usage.input + report.usage.output + report.usage.cacheWrite;
  const spent = { costUsd: report.costUsd, tokens };
  const cost = { tokens: { input: report.usage.input, output: report.usage.output }, ...definedFields({ cost_usd: report.costUsd }) };
  if (report.isError)
    return { review: { ...undetermined(provider, model, `the reviewer's turn failed: ${clip(report.result, 200)}`, view.id), ...cost }, spent };
  return { review: { provider, ...definedFields({ model }), agent_id: view.id, ...parseVerdict(report.result), ...cost }, spent };
}

// The reviewer's first turn report, or why there is none (it ended without one, or took too long).
function firstTurnOf(supervisor: Supervisor, id: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<{ report?: TurnReport; why: string }> {
  return new Promise((resolve) => {
    const stopped = (): void => {
      done({ why: "the author was stopped during its review" });
    };
    const done = (out: { report?: TurnReport; why: string }): void => {
      clearTimeout(timer);
      offTurn();
      offEnd();
      signal?.removeEventListener("abort", stopped);
      resolve(out);
    };
    signal?.addEventListener("abort", stopped);
    const offTurn = supervisor.onTurn((report) => {
      if (report.agentId === id && report.superseded === undefined) done({ report, why: "" });
    });
    const offEnd = supervisor.onEnd((ended) => {
      if (ended.id === id)
        done({
          why: `the reviewer ended without an answer (${ended.status}${ended.lastError === undefined ? "" : `: ${clip(ended.lastError.message, 200)}`})`,
        });
    });
    const timer = setTimeout(() => {
      done({ why: `the reviewer gave no answer within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    timer.unref();
    if (signal?.aborted === true) stopped();
  });
}

/**
 * The author's rules, held over its reviewer as over the author: its deny rules go to the CLI, and
 * every tool use the CLI lets us see is judged by its policy first. What they would ask about is
 * refused: a reviewer has nobody to ask, and must never wait on a question (nor is it given
 * askPermissions, so what its CLI would ask about is refused by the CLI itself).
 */
function reviewerRules(author: ReviewAsk["author"]): Pick<LaunchRequest, "permissionPolicy" | "rules"> {
  const { permissionPolicy: policy, rules } = author;
  return {
    ...(rules?.deny === undefined ? {} : { rules: { deny: rules.deny } }),
    ...(policy === undefined
      ? {}
      : {
          permissionPolicy: (request, agent) => {
            const ruling = policy(request, agent);
            return ruling.decision === "ask" ? { ...ruling, decision: "deny", why: `${ruling.why} (a reviewer has nobody to ask)` } : ruling;
          },
        }),
  };
}

function modelOf(supervisor: Supervisor, id: string): string | undefined {
  try {
    return supervisor.get(id).model;
  } catch {
    return undefined;
  }
}

function undetermined(provider: string, model: string | undefined, detail: string, agentId?: string): ReceiptReview {
  return { provider, ...definedFields({ model, agent_id: agentId }), verdict: "undetermined", reasons: [], detail };
}
