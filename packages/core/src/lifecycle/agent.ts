import type { FailoverAttempt, Fallback } from "../failover/candidate.js";
import type { Budget, Spent } from "../budget/budget.js";
import type { AgentEvent } from "../driver/events.js";
import { spentOf, type CostOf, type Spending } from "../budget/spending.js";
import { standing } from "../budget/budget.js";
import type { Driver, McpServerSpec, PermissionRuling, Session, SessionSpec, SessionWorktree } from "../driver/driver.js";
import type { RecentItems } from "./recent.js";
import type { AgentState, PendingPermission, TurnOutcome } from "./state.js";
import type { TailBuffer } from "./tail.js";
import type { Escalation } from "../failover/escalation.js";
import type { ReviewPlan } from "../review/review-prompt.js";
import type { Provider, Usage, PermissionDecision, PermissionRequest, AgentStatus } from "@subagent-mcp/contract";

/** A finished turn, as `wait` reports it (each exactly once). */
export interface TurnReport extends TurnOutcome {
  agentId: string;
  status: AgentStatus;
  /** 1-based number of the turn in this agent's life. */
  turn: number;
  /**
   * Set on a turn that was escalated (why): its tokens and cost were spent and are told to
   * listeners (journal, budgets, usage), but it is nobody's answer: `wait` never reports it, and the
   * same turn is reported again by the stronger candidate.
   */
  superseded?: string;
}

/**
 * What only the supervisor reads of a launch: which provider, the first prompt, a label, its
 * budget, where it runs. None of it reaches `Driver.start`: the session gets `sessionSpecOf(request)`,
 * which copies the fields of `SessionSpec` and nothing else.
 */
export interface LaunchOnly {
  provider: Provider;
  /** The agent's id, when the caller needs it before the launch (default: a random one). */
  id?: string;
  /** Next candidates, tried in order when the first turn fails with a transient error (see failover.ts). */
  fallbacks?: Fallback[];
  /** The W3C traceparent of the tool call that launched it (tracing on): its life span's parent. */
  calledIn?: string;
  /** The first user turn; without one the agent starts idle (a warm process waiting for work). */
  prompt?: string;
  label?: string;
  /**
   * Kept warm by its owner (the pool, whose definitions bound it): never closed to bound live
   * processes and not counted against that bound.
   */
  pinned?: boolean;
  /**
   * Rules for the agent's permission requests: allow or deny answers one at once; ask parks the
   * agent in `permission_requested` until `respondPermission` (or the timeout) answers.
   */
  permissionPolicy?: (request: PermissionRequest, agent: { id: string; cwd: string }) => PermissionRuling;
  /**
   * Work that must be done before the CLI starts (e.g. making the agent's git worktree and running
   * its setup), given the agent's id. It may move the agent to another `cwd`, and hand its session
   * more MCP servers (ones issued for that id, e.g. with a token of its own). A failure ends the
   * agent `errored` with the error's message and no failover: another CLI would find the same.
   */
  prepare?: (agentId: string) => Promise<Prepared | undefined>;
  /** Limits on what it may spend; reaching one stops it in `budget_exceeded` until raised. */
  budget?: Budget;
  /**
   * Where it runs when not on this machine: the machine's name and a driver whose sessions run
   * there (the fleet). That machine's caps and bounds apply, not ours; it is never hibernated here.
   */
  placement?: { machine: string; driver: Driver };
  /** Turns the conversation had before this launch resumed it: numbering goes on from there (and a resumed first turn never fails over). */
  priorTurns?: number;
  /**
   * When its first turn ends in an error, or its check fails, the task moves to the next stronger
   * candidate with the earlier answer and the check's output (see escalation.ts).
   */
  escalate?: Escalation;
  /** A second opinion on each turn that changed files (see review/); `among`: the providers a default reviewer is picked from. */
  review?: ReviewPlan;
}

/** What a launch's `prepare` changes of it: the folder its CLI starts in, and servers added to its session's. */
export interface Prepared {
  cwd?: string;
  mcpServers?: McpServerSpec[];
}

/** What `launch` needs: the session spec and what only the supervisor reads (see LaunchOnly). */
export interface LaunchRequest extends SessionSpec, LaunchOnly {}

/** One step of a permission request's life, for an audit: how it was answered (or that it asks) and by whom. */
export interface PermissionEvent {
  agentId: string;
  request: PermissionRequest;
  decision: PermissionDecision["behavior"] | "ask";
  /** rule: the agent's rules (or a bound of the supervisor); orchestrator: respondPermission, kill or interrupt; timeout: nobody answered. */
  by: "rule" | "orchestrator" | "timeout";
  rule?: string;
  reason: string;
}

/** What happens to an agent, for a journal: see `Supervisor.onChange`. */
export type AgentChange =
  | { type: "launched"; agentId: string; request: LaunchRequest; at: number }
  /** A user message handed to the agent, and the turn (1-based) that will answer it. */
  | { type: "sent"; agentId: string; text: string; turn: number; at: number }
  /** A visible event other than text, tool results and turn ends (those come as turn reports). */
  | {
      type: "event";
      agentId: string;
      event: AgentEvent;
      at: number;
      /** The machine of the fleet its session runs on (told with `started`). */ machine?: string;
    }
  | { type: "status"; agentId: string; status: AgentStatus; alive: boolean; note?: string; at: number }
  /** A candidate was left for `next` (a transient failover, or an escalation with its answer and check). */
  | { type: "attempt"; agentId: string; attempt: FailoverAttempt; next: Pick<LaunchRequest, "provider" | "model" | "effort">; at: number };

/** A read-only snapshot of an agent. Taking one never changes the agent (nor its idle clock). */
export interface AgentView {
  id: string;
  provider: Provider;
  /** The machine it runs on, when not this one (the fleet). */
  machine?: string;
  /** Its git worktree on that machine, as the machine reports it (one here is the server's to show). */
  remoteWorktree?: SessionWorktree;
  label: string | undefined;
  /** The CLI's working directory. */
  cwd: string;
  model: string | undefined;
  effort: string | undefined;
  status: AgentStatus;
  alive: boolean;
  turns: number;
  /** User messages waiting behind the running turn. */
  queuedMessages: number;
  idleMs: number;
  usage: Usage;
  costUsd: number | undefined;
  lastTurn: TurnOutcome | undefined;
  lastError: { message: string; transient: boolean } | undefined;
  sessionId: string | undefined;
  pid: number | undefined;
  createdAt: number;
  /** 1-based place in the provider's launch queue, while queued. */
  queuePosition: number | undefined;
  /** Candidates that failed over (or escalated) to the current one, oldest first. */
  attempts: FailoverAttempt[];
  /** The check command running on its first turn's work, while it runs. */
  checking?: string;
  /** Why its session was ended by us although nothing failed (closed to bound live processes). */
  note: string | undefined;
  /** Permission requests waiting for an answer, oldest first. */
  permissions: PendingPermission[];
  /** MCP servers of its session that its CLI said failed to start, and why (absent when none). */
  mcpFailed?: { server: string; error: string }[];
  /** The MCP servers its CLI was handed (names only: their specs hold secrets). */
  mcpServers?: string[];
  /** Its budget, what it spent against it, and where it stands (only when it has a budget). */
  budget?: { limits: Budget; spent: Spent; unknownCostTurns: number; warnings: string[]; exceeded: string | undefined };
}

/** The supervisor's private bookkeeping for one agent. */
export interface AgentRecord {
  readonly id: string;
  request: LaunchRequest;
  /** Bumped when the session is replaced (failover): events of an older session are ignored. */
  epoch: number;
  /** Texts of the first turn (prompt and early follow-ups), replayed on a failover. */
  readonly firstTurn: string[];
  readonly createdAt: number;
  state: AgentState;
  session: Session | undefined;
  /** Follow-ups accepted while the agent waited for a slot. */
  readonly backlog: string[];
  readonly tail: TailBuffer;
  readonly recent: RecentItems;
  readonly unreported: TurnReport[];
  /** Ids of permission requests no `wait` has reported yet. */
  readonly unannounced: string[];
  /** When its session ended (alive turned false): the oldest ended records are freed first. */
  endedAt?: number;
  /** Set once `request.prepare` succeeded: a failover or restart does not prepare again. */
  prepared?: boolean;
  /** What it has spent against its budget beyond its state's usage. */
  readonly spending: Spending;
  /** Stops the check command running after its turn (a kill or an interrupt). */
  checkAbort?: AbortController;
  /** While a turn's receipt is being made: the session's events that came after its end, in order (see supervisor-witness.ts). */
  held?: AgentEvent[];
  /** The prompt of the turn under way (or the last one): what a review reads as the task. */
  turnPrompt?: string;
  /** Follow-ups sent behind a running turn, oldest first: the prompts of the turns that start after it (for the witness). */
  readonly asked: string[];
}

/** Builds the view of a record at time `now`. */
export function viewOf(record: AgentRecord, now: number, queuePosition: number | undefined, costOf?: CostOf): AgentView {
  const { state, request } = record;
  const budget = request.budget;
  // One literal for the fields every view has, the optional ones added after it: V8 sizes a
  // literal's object once, where spreads and field-by-field growth copy it again and again
  // (list_agents and the pending file make one view per agent per call).
  const view: AgentView = {
    id: record.id,
    provider: request.provider,
    label: request.label,
    cwd: request.cwd,
    model: state.model ?? request.model,
    effort: request.effort,
    status: state.status,
    alive: state.alive,
    turns: state.turns,
    queuedMessages: Math.max(0, state.pending - 1),
    idleMs: Math.max(0, now - state.lastActivityAt),
    usage: state.usage,
    costUsd: state.costUsd,
    lastTurn: state.lastTurn,
    lastError: state.lastError,
    sessionId: state.sessionId,
    pid: record.session?.pid,
    createdAt: record.createdAt,
    // Queued here (admission), or on the machine it runs on.
    queuePosition: queuePosition ?? (state.status === "queued" ? state.machinePosition : undefined),
    attempts: state.attempts.slice(),
    // Parked at a budget it does not hold itself (a spend cap): the limit, as the journal has it.
    note: state.status === "budget_exceeded" && state.alive ? (state.budgetNote ?? state.note) : state.note,
    permissions: state.permissions.slice(),
  };
  // The session knows its node once placed ("any" is chosen as it starts).
  if (request.placement !== undefined) view.machine = record.session?.machine ?? request.placement.machine;
  if (record.session?.worktree !== undefined) view.remoteWorktree = record.session.worktree;
  if (state.checking !== undefined) view.checking = state.checking;
  if (state.mcpFailed !== undefined) view.mcpFailed = state.mcpFailed.map((f) => ({ ...f }));
  if (request.mcpServers !== undefined && request.mcpServers.length !== 0) view.mcpServers = request.mcpServers.map((s) => s.name);
  if (budget !== undefined) view.budget = budgetView(record, budget, now, costOf);
  return view;
}

function budgetView(record: AgentRecord, limits: Budget, now: number, costOf: CostOf | undefined): NonNullable<AgentView["budget"]> {
  const spent = spentOf(record, now, costOf);
  const { warnings, exceeded } = standing(limits, spent);
  return { limits, spent, unknownCostTurns: record.spending.unknownCostTurns, warnings, exceeded: record.state.budgetNote ?? exceeded };
}
