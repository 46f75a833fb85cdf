import type { AgentRecord } from "../lifecycle/agent.js";
import type { Driver, PermissionRuling } from "../driver/driver.js";
import { CoreError } from "../errors.js";
import type { AgentEvent } from "../driver/events.js";
import { errorEvent } from "../failover/failure.js";
import { errorMessage } from "@subagent-mcp/errors";
import { sessionSpecOf } from "../driver/session-spec.js";
import type { Provider, PermissionRequest } from "@subagent-mcp/contract";

/** What starting an agent's CLI session needs of the supervisor. */
export interface SessionHost {
  driver(provider: Provider): Driver | undefined;
  /** The rules' check of a tool use the CLI may run without asking (none: no rules). */
  precheck(record: AgentRecord): ((request: PermissionRequest) => PermissionRuling) | undefined;
  onEvent(record: AgentRecord, event: AgentEvent): void;
  /** A turn starts with the session (its launch prompt, or the first follow-up it was waiting with). */
  began?(record: AgentRecord, prompt: string | undefined): void;
  /** The trace the record's session continues (see SupervisorOptions.traceOf). */
  traceOf?: ((agentId: string) => { traceparent: string; env: Record<string, string> } | undefined) | undefined;
}

/**
 * Starts an admitted agent's session now, or when `schedule` runs it (see
 * SupervisorOptions.schedule): then only if the agent is still alive, unstarted and not failed over.
 */
export function startScheduled(record: AgentRecord, host: SessionHost, schedule: ((start: () => void) => void) | undefined): void {
  if (schedule === undefined) {
    startWhenPrepared(record, host);
    return;
  }
  const epoch = record.epoch;
  schedule(() => {
    if (record.epoch === epoch && record.state.alive && record.session === undefined) startWhenPrepared(record, host);
  });
}

/**
 * A launch with work to do first (see LaunchRequest.prepare) starts its CLI once that is done,
 * unless the agent was killed or failed over meanwhile; until then follow-ups wait in the backlog.
 */
export function startWhenPrepared(record: AgentRecord, host: SessionHost): void {
  const prepare = record.request.prepare;
  if (prepare === undefined || record.prepared === true) {
    spawnSession(record, host);
    return;
  }
  const epoch = record.epoch;
  const current = () => record.epoch === epoch && record.state.alive;
  prepare(record.id).then(
    (moved) => {
      record.prepared = true;
      if (moved?.cwd !== undefined) record.request = { ...record.request, cwd: moved.cwd };
      if (moved?.mcpServers !== undefined && moved.mcpServers.length > 0)
        record.request = { ...record.request, mcpServers: [...(record.request.mcpServers ?? []), ...moved.mcpServers] };
      if (current()) spawnSession(record, host);
    },
    (error: unknown) => {
      if (!current()) return;
      host.onEvent(record, { type: "error", message: errorMessage(error), transient: false });
      host.onEvent(record, { type: "exit", code: null, signal: null });
    },
  );
}

/**
 * Starts the record's CLI through its provider's driver with the launch's session spec (its
 * SessionSpec fields, see sessionSpecOf: nothing of LaunchOnly), then sends the first prompt and the backlog.
 * Events of an older epoch (a failed-over or hibernated process) are dropped.
 */
export function spawnSession(record: AgentRecord, host: SessionHost): void {
  const driver = record.request.placement?.driver ?? host.driver(record.request.provider);
  const { prompt } = record.request;
  const spec = sessionSpecOf(record.request);
  const epoch = record.epoch;
  try {
    if (driver === undefined) throw new CoreError("NO_DRIVER", `no driver is configured for provider "${record.request.provider}"`);
    const precheck = host.precheck(record);
    const trace = host.traceOf?.(record.id);
    const traced =
      trace === undefined
        ? spec
        : { ...spec, traceparent: trace.traceparent, env: { ...spec.env, ...trace.env }, mcpEnv: [...(spec.mcpEnv ?? []), ...Object.keys(trace.env)] };
    record.session = driver.start(
      precheck === undefined ? traced : { ...traced, precheck },
      (event) => {
        if (record.epoch === epoch) host.onEvent(record, event);
      },
      record.id,
    );
  } catch (error) {
    host.onEvent(record, errorEvent(errorMessage(error)));
    host.onEvent(record, { type: "exit", code: null, signal: null });
    return;
  }
  if (prompt !== undefined || record.backlog.length > 0) host.began?.(record, prompt);
  if (prompt !== undefined) record.session.send(prompt);
  for (const text of record.backlog.splice(0)) record.session.send(text);
}

/**
 * Lets go of the record's process (closed politely, or killed): its later events carry an old
 * epoch and are ignored, since its exit is expected (hibernation, a failover).
 */
export function detachSession(record: AgentRecord, how: "close" | "kill"): void {
  const session = record.session;
  record.session = undefined;
  record.epoch += 1;
  void (how === "close" ? session?.close() : session?.kill())?.catch(() => undefined);
}

/** The launch again, for a new process on the same conversation (the CLI's session id): without its first prompt, which was sent. */
export function resumeRequest(record: AgentRecord): AgentRecord["request"] {
  const { prompt: _p, ...request } = record.request;
  const resume = record.state.sessionId;
  return resume === undefined ? request : { ...request, resume };
}
