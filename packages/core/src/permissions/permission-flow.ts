import type { AgentRecord, LaunchRequest, PermissionEvent } from "../lifecycle/agent.js";
import type { Clock } from "../supervisor/clock.js";
import { CoreError } from "../errors.js";
import { findPending } from "./find-pending.js";
import type { PermissionRuling } from "../driver/driver.js";
import { DEFAULT_PERMISSION_TIMEOUT_MS, PermissionTimers } from "./permission-timers.js";
import { isRunning, type AgentAction, type AgentState } from "../lifecycle/state.js";
import type { PermissionDecision, PermissionRequest } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/** What the permission flow needs of its supervisor. */
export interface PermissionFlowHost {
  clock: Clock;
  timeoutMs: number | undefined;
  /** Told each request's outcome (and each that parks its agent); must not throw. */
  onPermission: ((event: PermissionEvent) => void) | undefined;
  /** The supervisor's one way to change an agent's state (the reducer, then what follows). */
  apply(record: AgentRecord, action: AgentAction): void;
}

/**
 * A permission request's way through the supervisor, apart from the rest of the lifecycle: rules
 * answer first, what they leave open parks the agent until the orchestrator, an approver or the
 * timeout answers, and every outcome is told (audited) once.
 */
export class PermissionFlow {
  readonly #host: PermissionFlowHost;
  readonly #timers: PermissionTimers;

  constructor(host: PermissionFlowHost) {
    this.#host = host;
    this.#timers = new PermissionTimers(host.clock, host.timeoutMs ?? DEFAULT_PERMISSION_TIMEOUT_MS, (record, requestId) => {
      const seconds = Math.round(this.#timers.timeoutMs / 1000);
      const message = `Denied: nobody answered this permission request within ${seconds} s (permission_timeout_s). Go on without it, or ask for the permission in your result.`;
      this.answer(record, requestId, { behavior: "deny", message }, "timeout");
    });
  }

  // Rules answer first; only what they leave open parks the agent. A request the state cannot
  // take (no turn under way, too many pending) is denied rather than left hanging.
  request(record: AgentRecord, request: PermissionRequest, at: number): void {
    const ruled = record.request.permissionPolicy?.(request, { id: record.id, cwd: record.request.cwd });
    const rule = ruled?.rule === undefined ? {} : { rule: ruled.rule };
    if (ruled !== undefined && ruled.decision !== "ask") {
      const decision: PermissionDecision = ruled.decision === "allow" ? { behavior: "allow" } : { behavior: "deny", message: `Denied: ${ruled.why}.` };
      record.session?.respondPermission?.(request.requestId, decision);
      this.#tell({ agentId: record.id, request, decision: ruled.decision, by: "rule", ...rule, reason: ruled.why });
      return;
    }
    this.#host.apply(record, { type: "event", at, event: { type: "permission_request", request } });
    if (record.state.permissions.some((p) => p.request.requestId === request.requestId)) {
      this.#tell({ agentId: record.id, request, decision: "ask", by: "rule", ...rule, reason: ruled?.why ?? "no rule answers it" });
      return;
    }
    const { alive, status, permissions } = record.state;
    const why = !alive ? "the agent has ended" : isRunning(status) ? `it already has ${permissions.length} pending requests` : "no turn is under way";
    record.session?.respondPermission?.(request.requestId, { behavior: "deny", message: `Denied: ${why}.` });
    this.#tell({ agentId: record.id, request, decision: "deny", by: "rule", reason: why });
  }

  // A tool use the CLI may run without asking: only a rule may stop it (or make it ask); what the
  // rules refuse is audited here, the rest is the CLI's own business and audited when it asks.
  precheck(record: AgentRecord): ((request: PermissionRequest) => PermissionRuling) | undefined {
    const policy: LaunchRequest["permissionPolicy"] = record.request.permissionPolicy;
    if (policy === undefined) return undefined;
    return (request) => {
      const ruled = policy(request, { id: record.id, cwd: record.request.cwd });
      // Only a rule may stop it: a refusal that names none (dontAsk's "nothing allows it") is for what the CLI would ask.
      if (ruled.decision === "deny" && ruled.rule === undefined) return { decision: "ask", why: ruled.why };
      if (ruled.decision === "deny")
        this.#tell({ agentId: record.id, request, decision: "deny", by: "rule", ...definedFields({ rule: ruled.rule }), reason: ruled.why });
      return ruled;
    };
  }

  /** The orchestrator's answer to one of the agent's pending requests (the only one, when `requestId` is left out). */
  respond(record: AgentRecord, requestId: string | undefined, decision: PermissionDecision): PermissionRequest {
    const found = findPending(record, requestId);
    if (record.session?.respondPermission === undefined) {
      throw new CoreError("INVALID_ARGUMENT", `agent ${record.id}'s ${record.request.provider} session cannot answer permission requests`);
    }
    this.answer(record, found.request.requestId, decision, "orchestrator");
    return found.request;
  }

  /** Sends the decision to the CLI, then the request leaves the state. */
  answer(record: AgentRecord, requestId: string, decision: PermissionDecision, by: PermissionEvent["by"]): void {
    const request = record.state.permissions.find((p) => p.request.requestId === requestId)?.request;
    record.session?.respondPermission?.(requestId, decision);
    this.#host.apply(record, { type: "permission_answered", at: this.#host.clock.now(), requestId });
    if (request !== undefined)
      this.#tell({ agentId: record.id, request, decision: decision.behavior, by, reason: decision.message ?? `${by} answered ${decision.behavior}` });
  }

  /** Kill and interrupt: every pending request is denied, so that a CLI that lives on goes on. */
  withdraw(record: AgentRecord, why: string): void {
    for (const p of record.state.permissions) this.answer(record, p.request.requestId, { behavior: "deny", message: `Denied: ${why}.` }, "orchestrator");
  }

  /** Follows one state change: new requests get a deadline and are for the next wait to report; gone ones are neither. */
  sync(record: AgentRecord, before: AgentState, after: AgentState): void {
    this.#timers.sync(record, before, after);
    if (before.permissions === after.permissions) return;
    const now = new Set(after.permissions.map((p) => p.request.requestId));
    const known = new Set(before.permissions.map((p) => p.request.requestId));
    const kept = record.unannounced.filter((id) => now.has(id));
    record.unannounced.splice(0, record.unannounced.length, ...kept, ...[...now].filter((id) => !known.has(id)));
  }

  #tell(event: PermissionEvent): void {
    try {
      this.#host.onPermission?.(event);
    } catch {
      // an audit must never break the agent it audits
    }
  }
}
