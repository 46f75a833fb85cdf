import type { PermissionEvent } from "../lifecycle/agent.js";
import type { Clock } from "./clock.js";
import type { Driver } from "../driver/driver.js";
import type { AgentEvent } from "../driver/events.js";
import type { RateWindow } from "../admission/rate-limits.js";
import type { CostOf } from "../budget/spending.js";
import type { CheckOutcome } from "../failover/candidate.js";
import type { TurnWitness } from "./witness.js";
import type { Provider } from "@subagent-mcp/contract";

/** How long without a visible event marks a processing agent stalled, when no `stallMs` is given. */
export const DEFAULT_STALL_MS = 10 * 60_000;

/** Supervisor settings; every field has a default. */
export interface SupervisorOptions {
  drivers: Partial<Record<Provider, Driver>>;
  clock?: Clock;
  /** Processing agents allowed per provider (default 5); launches above it queue FIFO. */
  caps?: Partial<Record<Provider, number>>;
  /**
   * Live CLI processes kept per provider (default twice its cap, never below it). A launch past it
   * closes that provider's least recently active agent with nothing to do (it stays readable, with
   * a note), or queues while every one is busy. Pool replicas are not counted.
   */
  maxLive?: number;
  /** Launches allowed to wait per provider (default 50); more are refused with QUEUE_FULL. */
  maxQueued?: number;
  /** Ended agents whose records are kept (default 200, at least 1); older ones are freed. */
  keepEnded?: number;
  /** No visible event for this long marks a processing agent stalled (default {@link DEFAULT_STALL_MS}). */
  stallMs?: number;
  /** Characters of output kept per agent (default 2 Mi). */
  tailChars?: number;
  /** Visible items kept per agent (default 10). */
  recentItems?: number;
  /** Unreported turn reports kept per agent before the oldest are dropped (default 100). */
  maxUnreported?: number;
  /** A permission request left unanswered this long is denied, with a reason that says so (default 300 s). */
  permissionTimeoutMs?: number;
  /** Told each permission request's outcome (and each that parks its agent), e.g. for an audit log; must not throw. */
  onPermission?: (event: PermissionEvent) => void;
  /**
   * An agent with nothing to do for this long is hibernated: its process is closed politely, its
   * session kept, and the next message resumes it (default: never). Pool replicas are not.
   */
  idleTtlMs?: number;
  /** Cost of a turn whose CLI reports none (e.g. tokens times a price table); undefined: unknown, never 0. */
  costOf?: CostOf;
  /** Makes the id of a launch that brings none, e.g. one a journal has claimed (default: 8 random hex characters). */
  newId?: () => string;
  /**
   * When an admitted agent's CLI is started (default: at once, inside `launch`). A server passes
   * `setImmediate`, so that a launch is answered before the process is spawned; an agent killed
   * or failed over meanwhile is not started.
   */
  schedule?: (start: () => void) => void;
  /**
   * The trace an agent's session continues, asked as its CLI starts (the server's tracing gives
   * its life span's): the driver hands `traceparent` to the CLI where the CLI takes one, and `env`
   * goes into the CLI's environment. Default: none (tracing off).
   */
  traceOf?: (agentId: string) => { traceparent: string; env: Record<string, string> } | undefined;
  /**
   * Runs an escalating launch's check command in the agent's cwd (the server's: a shell, bounded
   * time and output). Must not throw: a command that cannot start is a failed check. Without it a
   * launch that asks for a check is refused.
   */
  runCheck?: (check: { command: string; cwd: string; agentId: string; signal: AbortSignal }) => Promise<CheckOutcome>;
  /**
   * Where the providers' rate-limit reports are kept (default: in memory). A server passes one
   * shared by every server of the user through a file: the windows are the account's.
   */
  rateLimits?: RateLimitStore;
  /**
   * Who makes each turn's receipt (the server's: @subagent-mcp/receipts): told when turns start, what
   * happens in them, and asked for the receipt as each ends, which every report then carries.
   * Default: none (reports carry no receipt).
   */
  witness?: TurnWitness;
}

/** Keeps rate-limit reports and answers the tightest window in force (see RateLimits). */
export interface RateLimitStore {
  note(provider: Provider, event: Extract<AgentEvent, { type: "rate_limit" }>, at: number): void;
  tightest(provider: Provider, now: number): RateWindow | undefined;
  windows(provider: Provider, now: number): RateWindow[];
}
