import { Admission } from "../admission/admission.js";
import type { AgentChange, AgentRecord, AgentView, PermissionEvent } from "../lifecycle/agent.js";
import { systemClock } from "./clock.js";
import { HealthTick } from "./health.js";
import { Listeners } from "./listeners.js";
import { PermissionFlow } from "../permissions/permission-flow.js";
import { RateLimits } from "../admission/rate-limits.js";
import { AgentRecords } from "../lifecycle/records.js";
import { TurnReports } from "./reports.js";
import type { AgentAction } from "../lifecycle/state.js";
import type { EscalationHost } from "./supervisor-escalation.js";
import type { EventHost } from "./supervisor-events.js";
import { DEFAULT_STALL_MS, type SupervisorOptions } from "./supervisor-options.js";
import { Waiters } from "./waiters.js";
import type { ReviewAsk, ReviewOutcome } from "../review/reviewer.js";

// The supervisor's working parts, built from its options and wired back to it through a few
// hooks. Separate so that supervisor.ts holds the API and the one path by which state changes,
// and so that one object serves as the host of the escalation and event steps.

/** What the parts call back into the supervisor for. */
export interface SupervisorHooks {
  /** The supervisor's one way to change an agent's state (the reducer, then what follows). */
  apply: (record: AgentRecord, action: AgentAction) => void;
  /** Starts an admitted agent's session (now or when SupervisorOptions.schedule runs it). */
  start: (record: AgentRecord) => void;
  /** Closes an idle agent's process but keeps its session (see Supervisor.hibernate); false when it can't. */
  hibernate: (record: AgentRecord) => boolean;
  /** Runs one health tick (see Supervisor.checkHealth). */
  tick: () => void;
  /** Runs a review of a turn through the supervisor (see review/reviewer.ts). */
  review: (ask: ReviewAsk) => Promise<ReviewOutcome>;
}

/** The supervisor's parts; the host of its escalation and event steps too. */
export interface SupervisorParts extends EscalationHost, EventHost {
  options: SupervisorOptions;
  records: AgentRecords;
  stallMs: number;
  waiters: Waiters;
  permissions: PermissionFlow;
  health: HealthTick;
  /** Told once an agent's session has ended for good (see Supervisor.onEnd). */
  ends: Listeners<AgentView>;
}

/** Builds the parts of a supervisor with `options`; the health tick starts here. */
export function supervisorParts(options: SupervisorOptions, hooks: SupervisorHooks): SupervisorParts {
  const clock = options.clock ?? systemClock;
  const rateLimits = options.rateLimits ?? new RateLimits();
  const records = new AgentRecords(options.keepEnded);
  const { apply } = hooks;
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const waiters = new Waiters(clock, (id) => records.find(id));
  const reports = new TurnReports(options.maxUnreported);
  const admission = new Admission({
    records: () => records.values(),
    caps: options.caps,
    maxLive: options.maxLive,
    maxQueued: options.maxQueued,
    now: () => clock.now(),
    apply,
    start: hooks.start,
    hibernate: hooks.hibernate,
  });
  const { witness } = options;
  // The audit and the witness both hear each permission outcome.
  const onPermission =
    witness === undefined
      ? options.onPermission
      : (event: PermissionEvent) => {
          options.onPermission?.(event);
          witness.permission(event);
        };
  const permissions = new PermissionFlow({ clock, timeoutMs: options.permissionTimeoutMs, onPermission, apply });
  const health = new HealthTick(clock, stallMs, hooks.tick);
  const changes = new Listeners<AgentChange>();
  const ends = new Listeners<AgentView>();
  return { options, clock, rateLimits, records, stallMs, waiters, reports, admission, permissions, health, changes, ends, apply, review: hooks.review };
}
