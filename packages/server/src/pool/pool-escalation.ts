// A pool definition's `escalate`: once a replica's task ended in an error, or its check failed in the
// definition's folder, a one-off agent on the next stronger candidate of the definition's category
// takes the task over, with the earlier answer and the check's output; core climbs any further rungs
// (as for launch_agent's escalate). The replica is free again meanwhile: the task's work stays in the
// folder, which definitions that escalate share with their replicas (no worktree, no other machine:
// the loader refuses those).
import {
  checkFailedNote,
  describeCandidate,
  escalationReason,
  suspectOf,
  handOverPrompt,
  rejectedBy,
  rejectionOf,
  poolLabel,
  type CheckOutcome,
  type FailoverAttempt,
  type AgentView,
  type InvokeResult,
  type LaunchRequest,
  type PermissionReport,
  type Supervisor,
} from "@subagent-mcp/core";
import { DEFAULT_ESCALATION_STEPS, escalationLadder, type Candidate } from "@subagent-mcp/routing";
import type { Escalate, InvokeOutput, Receipt } from "@subagent-mcp/contract";
import type { z } from "zod";
import type { ToolDeps } from "../deps.js";
import type { Runtime } from "../runtime/runtime.js";
import type { PoolCatalog } from "./pool-catalog.js";
import { reservedLadder } from "../launch/held-agents.js";
import { rankInputs } from "../launch/routing-choice.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** One attempt that did not succeed, as invoke's `attempts` shows it. */
export type PoolAttempt = NonNullable<z.infer<(typeof InvokeOutput)["attempts"]>>[number];

/** Characters of a check's output shown in an attempt (its end, where a test runner says what failed). */
const SHOWN_CHECK_CHARS = 2_000;
const SHOWN_RESULT_CHARS = 4_000;

/** What became of a finished pool task: its answer (the replica's, or a stronger agent's), or a stronger agent still at work. */
export type PoolOutcome =
  | { status: "done"; out: InvokeResult; attempts?: PoolAttempt[]; note?: string }
  | { status: "running"; agentId: string; replica: number; attempts: PoolAttempt[]; permissions: PermissionReport[]; note: string };

/**
 * Escalates the finished task `out` of pool agent `name` as its definition says: a check first
 * (on: check, a turn without an error), then, on an error or a failed check, a one-off agent on the
 * first rung of the ladder, whose final turn is awaited until `timeoutMs`. Without a stronger
 * candidate a failed check makes the replica's answer an error, with the check's output.
 */
export async function escalatePoolTask(
  deps: ToolDeps,
  runtime: Runtime,
  catalog: PoolCatalog,
  name: string,
  task: string,
  out: InvokeResult,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; launched?: (agentId: string) => void },
): Promise<PoolOutcome> {
  const { supervisor } = runtime;
  const definition = catalog.definition(name);
  const plan = definition?.escalate;
  const base = catalog.launchOf(name);
  if (definition === undefined || plan === undefined || base === undefined) return { status: "done", out };
  const command = plan.on !== "error" ? plan.check : undefined;
  // A suspect answer (escalate on suspect) or one its review rejected (on review) is handed on as an error is, without a check.
  const suspect = out.isError ? undefined : rejectionOf(out, plan.on);
  let check: CheckOutcome | undefined;
  if (!out.isError && suspect === undefined) {
    if (command === undefined) return { status: "done", out };
    // In the replica's folder, after its turn: the definitions that escalate keep their work there (see the loader).
    const signal = options.signal ?? new AbortController().signal;
    // The supervisor's own runner, as a launch's check: with no secrets, in the agents' sandbox.
    const asked = { command, cwd: base.cwd, agentId: out.agentId, signal };
    const run = supervisor.options.runCheck;
    // The drivers load with the first launch, not with the server (startup.test.ts).
    check = run === undefined ? await (await import("@subagent-mcp/drivers")).runCheckCommand({ ...asked, env: process.env }) : await run(asked);
    if (check.ok) return { status: "done", out, note: `[The check \`${command}\` passed.]` };
    // The caller went away: nobody would collect a stronger agent's answer.
    if (signal.aborted) return { status: "done", out: { ...out, isError: true, result: out.result + checkFailedNote(check) } };
  }
  const from: Candidate = {
    provider: definition.provider,
    ...definedFields({ model: definition.model, effort: definition.effort }),
  };
  const category = definition.category ?? "fallback_default";
  const inputs = rankInputs(deps, runtime, category, [definition.budget]);
  const climb = escalationLadder(deps.routingTable, category, from, plan.max_steps ?? DEFAULT_ESCALATION_STEPS, {
    ...inputs,
    installed: deps.installed,
  });
  // A rung on a provider a spend cap holds is skipped; with none left the answer says which cap held them. The next one's turn is reserved.
  const {
    ladder: [next, ...rest],
    held,
    turn,
  } = reservedLadder(runtime.spendCaps, climb);
  if (next === undefined) {
    const none = `[No stronger candidate for ${category} to escalate to${held.length > 0 ? ` (${held.join("; ")})` : ""}.]`;
    if (check === undefined) return { status: "done", out, note: none };
    return { status: "done", out: { ...out, isError: true, result: out.result + checkFailedNote(check) }, ...(held.length > 0 ? { note: none } : {}) };
  }
  const first: PoolAttempt = {
    agent_id: out.agentId,
    replica: out.replica,
    ...from,
    reason: escalationReason({ ...out, interrupted: false }, check),
    result: clip(out.result, SHOWN_RESULT_CHARS),
    ...(check === undefined ? {} : { check: checkOut(check) }),
    ...definedFields({ cost_usd: out.costUsd }),
  };
  let view;
  try {
    // Handed our tools as a replica is, where the stronger CLI's config has our entry (not the replica's worktree: it works in the same folder).
    const { prepare: _prepare, ownEntry: _own, ...kept } = base;
    view = launchStronger(
      runtime,
      { ...kept, ...(await catalog.escalationOf(name, next.provider)) },
      { name, task, from, out, check, category, next, rest, on: plan.on, command },
    );
  } catch (error) {
    turn?.release();
    throw error;
  }
  turn?.for(view.id);
  options.launched?.(view.id);
  return outcomeOf(supervisor, view, { first, from, out, check }, options);
}

/** What the stronger agent of an escalated pool task is launched with. */
interface HandOver {
  name: string;
  task: string;
  from: Candidate;
  out: InvokeResult;
  check: CheckOutcome | undefined;
  category: string;
  next: Candidate;
  rest: Candidate[];
  on: Escalate["on"];
  command: string | undefined;
}

// As its replicas launch (system prompt, grant, rules, budget, env), on the stronger candidate, in the same folder.
function launchStronger({ supervisor, journal }: Runtime, base: NonNullable<ReturnType<PoolCatalog["launchOf"]>>, h: HandOver): AgentView {
  const { placement: _placement, model: _model, effort: _effort, ...launch } = base;
  // Journaled with its category, so that what it spends and how it does teach the category index.
  const id = journal?.claim();
  if (id !== undefined) journal?.expect(id, { category: h.category });
  const request: LaunchRequest = {
    ...definedFields({ id }),
    ...launch,
    provider: h.next.provider,
    ...definedFields({ model: h.next.model, effort: h.next.effort }),
    prompt: handOverPrompt(h.task, h.from, h.out.result, h.check, h.out.isError ? undefined : suspectOf(h.out), rejectedBy(h.out)),
    // Named as its replicas are (journal and traces take the pool from it), "#escalated" in place of a replica number.
    label: poolLabel({ pool: h.name, replica: "escalated" }),
    // A stronger candidate that fails transiently is not replaced by a weaker one.
    fallbacks: [],
    escalate: { on: h.on, ...definedFields({ check: h.command }), ladder: h.rest, task: h.task },
  };
  try {
    return supervisor.launch(request);
  } catch (error) {
    if (id !== undefined) journal?.unclaim(id);
    throw error;
  }
}

// The stronger agent's answer once its turn ends within the time given, else that it is still at work.
async function outcomeOf(
  supervisor: Supervisor,
  view: AgentView,
  was: { first: PoolAttempt; from: Candidate; out: InvokeResult; check: CheckOutcome | undefined },
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<PoolOutcome> {
  const { first, from, out, check } = was;
  const waited = await supervisor.wait({
    ids: [view.id],
    mode: "any",
    timeoutMs: Math.max(0, options.timeoutMs),
    ...definedFields({ signal: options.signal }),
  });
  const report = waited.finished.find((r) => r.agentId === view.id);
  const now = supervisor.get(view.id);
  // Core's own climb (further rungs, a transient failover) shows as the stronger agent's attempts.
  const attempts = [first, ...now.attempts.map((a) => attemptOut(view.id, a))];
  const to = describeCandidate({
    provider: now.provider,
    ...definedFields({ model: now.model, effort: now.effort }),
  });
  const why = `${describeCandidate(from)} (replica ${out.replica}, ${out.agentId}): ${first.reason}`;
  if (report === undefined) {
    const note = `Escalated from ${why}; ${to} (${view.id}) took the task over.`;
    return { status: "running", agentId: view.id, replica: out.replica, attempts, permissions: waited.permissionRequests, note };
  }
  return {
    status: "done",
    out: {
      status: "done",
      result: report.result,
      isError: report.isError,
      usage: report.usage,
      costUsd: report.costUsd,
      durationMs: out.durationMs + (check?.durationMs ?? 0) + report.durationMs,
      replica: out.replica,
      agentId: view.id,
      ...definedFields({ receipt: withReplica(report.receipt, out.receipt, from) }),
    },
    attempts,
    note: `[Escalated from ${why}; this is the answer of ${to} (${view.id}).]`,
  };
}

// The stronger agent's receipt lists the replica's first, then those of core's further rungs.
function withReplica(receipt: Receipt | undefined, replica: Receipt | undefined, from: Candidate): Receipt | undefined {
  if (receipt === undefined || replica === undefined) return receipt;
  const { attempts: _none, ...own } = replica;
  return { ...receipt, attempts: [{ ...own, provider: from.provider, ...definedFields({ model: from.model }) }, ...(receipt.attempts ?? [])] };
}

function attemptOut(agentId: string, a: FailoverAttempt): PoolAttempt {
  return {
    agent_id: agentId,
    provider: a.provider,
    ...definedFields({ model: a.model, effort: a.effort }),
    reason: a.reason,
    ...definedFields({ result: a.result }),
    ...(a.check === undefined ? {} : { check: checkOut(a.check) }),
    ...definedFields({ cost_usd: a.costUsd }),
  };
}

function checkOut(check: CheckOutcome): NonNullable<PoolAttempt["check"]> {
  return { command: check.command, exit_code: check.exitCode, output_tail: check.output.slice(-SHOWN_CHECK_CHARS), duration_ms: check.durationMs };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
