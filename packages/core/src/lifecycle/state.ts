import type { FailoverAttempt } from "../failover/candidate.js";
import type { AgentEvent } from "../driver/events.js";
import { classifyFailure } from "../failover/failure.js";
import { addUsage, ZERO_USAGE, type AgentStatus, type PermissionRequest, type Receipt, type Usage } from "@subagent-mcp/contract";

/** The outcome of one finished turn. */
export interface TurnOutcome {
  result: string;
  isError: boolean;
  interrupted: boolean;
  usage: Usage;
  costUsd: number | undefined;
  durationMs: number;
  /** What the turn did, from what was seen (see SupervisorOptions.witness); absent without a witness. */
  receipt?: Receipt;
}

/** A permission request the CLI waits on, and when it asked. */
export interface PendingPermission {
  readonly request: PermissionRequest;
  readonly askedAt: number;
}

/** Requests one agent may have waiting at once; the supervisor denies any beyond. */
export const MAX_PENDING_PERMISSIONS = 16;

/** Everything the reducer tracks about one agent. Immutable: `transition` returns a new object. */
export interface AgentState {
  readonly status: AgentStatus;
  /** Whether the session can still take follow-ups. */
  readonly alive: boolean;
  /** Completed turns. */
  readonly turns: number;
  /** User messages handed over and not yet answered, the running one included. */
  readonly pending: number;
  readonly usage: Usage;
  readonly costUsd: number | undefined;
  readonly lastTurn: TurnOutcome | undefined;
  readonly lastError: { message: string; transient: boolean } | undefined;
  readonly sessionId: string | undefined;
  readonly model: string | undefined;
  /** The idle clock: the time of the last visible event. Reading an agent never moves it. */
  readonly lastActivityAt: number;
  readonly stopRequested: boolean;
  /** Why the session was ended by us although nothing failed (e.g. closed to bound live processes). */
  readonly note: string | undefined;
  /** Candidates whose first turn failed transiently before the current one, oldest first. */
  readonly attempts: readonly FailoverAttempt[];
  /** Permission requests the CLI waits on, oldest first (at most {@link MAX_PENDING_PERMISSIONS}). */
  readonly permissions: readonly PendingPermission[];
  /** The limit it reached, while `budget_exceeded`. */
  readonly budgetNote?: string;
  /** The check command running after its turn (escalation): it counts as processing until the check is done. */
  readonly checking?: string;
  /** The session's MCP servers its CLI said failed to start, with why (a server that connects later leaves it). */
  readonly mcpFailed?: readonly { server: string; error: string }[];
  /** Its place in the line of the machine it waits on, while its session's launch is queued there (1 is next). */
  readonly machinePosition?: number;
}

/** What can happen to an agent: a driver event, or a decision of the supervisor. */
export type AgentAction =
  | { type: "admitted"; at: number }
  | { type: "sent"; at: number }
  | { type: "stop_requested"; at: number }
  | { type: "closed"; at: number; note: string }
  /** Its idle process was closed to free memory; the session is kept, and the next message resumes it. */
  | { type: "hibernated"; at: number }
  /** It reached its budget: once no turn runs it waits, alive, for a raised budget. */
  | { type: "budget_exceeded"; at: number; note: string }
  /** Its budget was raised: it may take messages again. */
  | { type: "budget_raised"; at: number }
  /** The follow-ups held behind the turn that just ended are not sent: it reached a budget (`note`) and waits in budget_exceeded. */
  | { type: "withdrawn"; at: number; note: string }
  | { type: "tick"; at: number; stallMs: number }
  /** The decision on a pending permission request was sent to the CLI. */
  | { type: "permission_answered"; at: number; requestId: string }
  | { type: "event"; at: number; event: AgentEvent }
  /**
   * The first turn failed transiently and the agent moves to its next candidate (the supervisor
   * swaps the session): a fresh start, queued or not, replaying `replay` texts of the first turn.
   */
  | { type: "failover"; at: number; attempt: FailoverAttempt; queued: boolean; replay: number }
  /** Its turn ended and the task's check command runs on what it did: still processing. */
  | { type: "check_started"; at: number; command: string }
  /** The check is over: the turn's end stands, or, `failed` (why) with nowhere to escalate, it is an error. */
  | { type: "check_done"; at: number; failed?: string };

/**
 * The state of a freshly launched agent holding its first prompt, or, with `idle`, of a warm agent
 * that has no turn yet (finished, alive, nothing pending).
 */
export function initialState(at: number, queued: boolean, idle = false): AgentState {
  return {
    status: idle ? "finished" : queued ? "queued" : "processing",
    alive: true,
    turns: 0,
    pending: idle ? 0 : 1,
    usage: ZERO_USAGE,
    costUsd: undefined,
    lastTurn: undefined,
    lastError: undefined,
    sessionId: undefined,
    model: undefined,
    lastActivityAt: at,
    stopRequested: false,
    note: undefined,
    attempts: [],
    permissions: [],
  };
}

/** True while a turn is queued or under way (waiting on a permission answer included). */
export function isRunning(status: AgentStatus): boolean {
  return status === "queued" || status === "processing" || status === "permission_requested" || status === "stalled";
}

/** True while a turn is under way in a process (what a permission request needs). */
function inTurn(state: AgentState): boolean {
  return state.alive && (state.status === "processing" || state.status === "permission_requested" || state.status === "stalled");
}

/**
 * The lifecycle reducer: pure, total, and exhaustive over actions and events. Side effects
 * (spawning, killing, notifying waiters) live in the supervisor, which feeds this function.
 */
export function transition(state: AgentState, action: AgentAction): AgentState {
  switch (action.type) {
    case "admitted":
      return state.status === "queued" ? { ...state, status: "processing", lastActivityAt: action.at } : state;
    case "sent":
      if (state.status === "stopped" || !state.alive) return state;
      return {
        ...state,
        pending: state.pending + 1,
        status: isRunning(state.status) ? state.status : "processing",
        lastActivityAt: isRunning(state.status) ? state.lastActivityAt : action.at,
      };
    case "stop_requested":
      return { ...state, status: "stopped", alive: false, pending: 0, stopRequested: true, permissions: [] };
    case "closed":
      // Only a session with nothing to do is closed; its status (finished or errored) stays.
      return state.alive && !isRunning(state.status) && state.pending === 0 ? { ...state, alive: false, note: action.note } : state;
    case "hibernated":
      // Only an agent with nothing to do and a session to come back to sleeps; its idle clock stays.
      return state.alive &&
        !isRunning(state.status) &&
        state.status !== "hibernated" &&
        state.status !== "budget_exceeded" &&
        state.pending === 0 &&
        state.sessionId !== undefined
        ? { ...state, status: "hibernated" }
        : state;
    case "budget_exceeded":
      // A turn under way is interrupted by the supervisor and ends first; the status follows it.
      if (!state.alive || isRunning(state.status) || state.pending > 0) return state;
      return { ...state, status: "budget_exceeded", budgetNote: action.note };
    case "withdrawn":
      if (!state.alive || state.status !== "processing" || state.checking !== undefined) return state;
      return { ...state, pending: 0, status: "budget_exceeded", budgetNote: action.note, lastActivityAt: action.at };
    case "budget_raised": {
      if (state.status !== "budget_exceeded") return state;
      const { budgetNote: _note, ...rest } = state;
      return { ...rest, status: "finished", lastActivityAt: action.at };
    }
    case "tick":
      // A running check shows no events: its own timeout bounds it.
      return state.status === "processing" && state.checking === undefined && action.at - state.lastActivityAt >= action.stallMs
        ? { ...state, status: "stalled" }
        : state;
    case "permission_answered":
      return withoutPermission(state, action.requestId, action.at);
    case "event":
      return onEvent(state, action.event, action.at);
    case "check_started":
      // A check may follow a review under the same hold (then only what runs changes).
      if (!state.alive || state.stopRequested || (isRunning(state.status) && state.checking === undefined)) return state;
      return { ...state, status: "processing", checking: action.command, lastActivityAt: action.at };
    case "check_done": {
      if (state.checking === undefined) return state;
      const { checking: _command, ...rest } = state;
      if (state.status !== "processing" && state.status !== "stalled") return rest;
      // Messages sent during the check were held: they start the next turn now.
      const failed = action.failed !== undefined || state.lastTurn?.isError === true;
      const status = state.pending > 0 ? "processing" : failed ? "errored" : "finished";
      const lastError = action.failed === undefined ? rest.lastError : { message: action.failed, transient: false };
      return { ...rest, status, lastError, lastActivityAt: action.at };
    }
    case "failover":
      // Stop is final. Otherwise what the failed candidate did (usage, errors, its session) is
      // left behind with it; only the attempt is remembered.
      if (state.stopRequested || state.status === "stopped") return state;
      return {
        ...initialState(action.at, action.queued, action.replay === 0),
        pending: action.replay,
        attempts: [...state.attempts, action.attempt],
      };
  }
}

function onEvent(state: AgentState, event: AgentEvent, at: number): AgentState {
  switch (event.type) {
    case "started":
      return { ...active(state, at), sessionId: event.sessionId, model: event.model || state.model };
    case "text":
    case "tool":
    case "tool_result":
      return active(state, at);
    case "permission_request": {
      // Only a turn under way asks; a request beyond the bound is left out (the supervisor denies it).
      const known = state.permissions.some((p) => p.request.requestId === event.request.requestId);
      if (!inTurn(state) || known || state.permissions.length >= MAX_PENDING_PERMISSIONS) return state;
      return { ...state, status: "permission_requested", lastActivityAt: at, permissions: [...state.permissions, { request: event.request, askedAt: at }] };
    }
    case "permission_withdrawn":
      return withoutPermission(state, event.requestId, at);
    case "rate_limit":
      // The supervisor keeps it per provider, for routing; the agent's own state is unchanged.
      return state;
    case "mcp_status":
      return mcpStatus(state, event);
    case "queued":
      // Its launch waits where it runs (no CLI yet): queued, which no stall window judges.
      if (state.status !== "processing" && state.status !== "stalled" && state.status !== "queued") return state;
      return { ...state, status: "queued", machinePosition: event.position, lastActivityAt: at };
    case "admitted":
      return state.status === "queued" ? active(state, at) : state;
    case "turn_end": {
      const pending = Math.max(0, state.pending - 1);
      const interrupted = event.interrupted ?? false;
      const failed = event.isError && !interrupted;
      // A turn that ended waits on nothing any more.
      const next: AgentState = {
        ...state,
        permissions: [],
        turns: state.turns + 1,
        pending,
        usage: addUsage(state.usage, event.usage),
        costUsd: event.costUsd === undefined ? state.costUsd : (state.costUsd ?? 0) + event.costUsd,
        lastTurn: { ...event, interrupted, costUsd: event.costUsd },
        lastError: failed ? { message: event.result, transient: state.lastError?.transient ?? false } : state.lastError,
        lastActivityAt: at,
      };
      if (state.status === "stopped") return next;
      return { ...next, status: pending > 0 ? "processing" : failed ? "errored" : "finished" };
    }
    case "error":
      // Mid-turn, an error is news, not the end: the turn still ends with turn_end or exit.
      return {
        ...state,
        status: isRunning(state.status) || state.status === "stopped" ? state.status : "errored",
        lastError: { message: event.message, transient: event.transient },
        lastActivityAt: at,
      };
    case "exit": {
      const base = { ...state, alive: false, pending: 0, permissions: [] };
      if (state.stopRequested || state.status === "stopped") return { ...base, status: "stopped" };
      if (!isRunning(state.status) && state.pending === 0) return base;
      const how = event.signal === null ? `code ${String(event.code)}` : `signal ${event.signal}`;
      const message = `the CLI process exited mid-turn (${how})`;
      return {
        ...base,
        status: "errored",
        lastError: state.lastError ?? { message, transient: classifyFailure(message) === "transient" },
      };
    }
  }
}

// A request no longer waits; with none left the turn goes on processing (it keeps its process and
// may briefly exceed its provider's cap: admission starts nothing new until it is back under).
function withoutPermission(state: AgentState, requestId: string, at: number): AgentState {
  const permissions = state.permissions.filter((p) => p.request.requestId !== requestId);
  if (permissions.length === state.permissions.length) return state;
  const resumed = permissions.length === 0 && state.status === "permission_requested";
  return { ...state, permissions, ...(resumed ? { status: "processing", lastActivityAt: at } : {}) };
}

// A failed server is kept once (its latest reason); one that connected is no longer failed. Not activity.
function mcpStatus(state: AgentState, event: Extract<AgentEvent, { type: "mcp_status" }>): AgentState {
  const others = (state.mcpFailed ?? []).filter((f) => f.server !== event.server);
  if (event.status === "failed") return { ...state, mcpFailed: [...others, { server: event.server, error: event.error ?? "failed to start" }] };
  if (others.length === (state.mcpFailed?.length ?? 0)) return state;
  const { mcpFailed: _gone, ...rest } = state;
  return others.length === 0 ? rest : { ...rest, mcpFailed: others };
}

// Visible output restarts the idle clock, and a stalled turn resumes (so does a launch that waited on its machine: it runs now).
function active(state: AgentState, at: number): AgentState {
  if (state.status === "queued" && state.machinePosition !== undefined) {
    const { machinePosition: _position, ...rest } = state;
    return { ...rest, lastActivityAt: at, status: "processing" };
  }
  return { ...state, lastActivityAt: at, status: state.status === "stalled" ? "processing" : state.status };
}
