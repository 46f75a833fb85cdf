import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { scopeFileName } from "./mode.js";
import { processAlive, RewrittenFile, selfRef, stateLayout } from "@subagent-mcp/state";

/** One sub-agent whose turn is under way. */
export interface PendingAgent {
  agent_id: string;
  label?: string;
  status: string;
}

/** A sub-agent's permission request that waits for respond_permission. */
export interface PendingPermissionRequest {
  agent_id: string;
  request_id: string;
  summary: string;
}

/**
 * What waits for an orchestrator, as its MCP server publishes it for the host's hooks: agents
 * still running, permission requests to answer, finished turns `wait` has not reported yet, and
 * messages in its inbox.
 */
export interface Pending {
  server_pid: number;
  /** The server's start time (state's ProcessRef), stamped by the writer: a reused pid is not the server. */
  server_start?: string;
  updated_at: string;
  running: PendingAgent[];
  permission_requests: PendingPermissionRequest[];
  /** Agents with a finished turn that `wait` has not reported yet. */
  unread: string[];
  messages_waiting: number;
}

/** The pending file of a host session (if given) or of the project at `cwd`: keyed exactly like orchestration mode's file. */
export function pendingFile(stateDir: string, cwd: string, session?: string): string {
  return join(stateLayout(stateDir).pending, scopeFileName(cwd, session === "" ? undefined : session));
}

/** Publishes what waits at one path, again and again (atomically, 0600, in our private state folder). */
export interface PendingWriter {
  write(pending: Pending): void;
}

/** A server rewrites its pending file as its answers go out, so each write is lean (see RewrittenFile); no disk flush: the file means nothing once its server is gone. */
export function pendingWriter(path: string): PendingWriter {
  const file = new RewrittenFile(path);
  const own = selfRef();
  const stamped = (pending: Pending): Pending =>
    pending.server_pid === own.pid && pending.server_start === undefined && own.start !== undefined ? { ...pending, server_start: own.start } : pending;
  const text = (pending: Pending): string => `${JSON.stringify(stamped(pending))}\n`;
  return {
    write: (pending) => {
      file.write(text(pending));
    },
  };
}

/** Publishes what waits once. */
export function writePending(path: string, pending: Pending): void {
  pendingWriter(path).write(pending);
}

/** Removes the pending file at `path` if the server `pid` wrote it (another server may have taken the key since). */
export function removePending(path: string, pid: number = process.pid): void {
  if (readFile(path)?.server_pid !== pid) return;
  rmSync(path, { force: true });
}

/** Whether what `pending` lists needs the orchestrator at all. */
export function somethingWaits(pending: Pending): boolean {
  return pending.running.length + pending.permission_requests.length + pending.unread.length + pending.messages_waiting > 0;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
const objects = <T>(value: unknown, keys: string[]): T[] =>
  Array.isArray(value)
    ? (value.filter((v) => typeof v === "object" && v !== null && keys.every((k) => typeof (v as Record<string, unknown>)[k] === "string")) as T[])
    : [];

// Read by hooks on every event: plain checks, no schema library.
function readFile(path: string): Pending | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const raw = parsed as Record<string, unknown>;
  if (typeof raw.server_pid !== "number") return undefined;
  return {
    server_pid: raw.server_pid,
    ...(typeof raw.server_start === "string" ? { server_start: raw.server_start } : {}),
    updated_at: typeof raw.updated_at === "string" ? raw.updated_at : "",
    running: objects<PendingAgent>(raw.running, ["agent_id", "status"]),
    permission_requests: objects<PendingPermissionRequest>(raw.permission_requests, ["agent_id", "request_id", "summary"]),
    unread: strings(raw.unread),
    messages_waiting: typeof raw.messages_waiting === "number" ? raw.messages_waiting : 0,
  };
}

/**
 * What waits for the orchestrator of this host session (if given, and its server published one)
 * or of the project at `cwd`; undefined when nothing was published or its server is gone.
 */
export function readPending(stateDir: string, cwd: string, session?: string): Pending | undefined {
  const paths = session === undefined || session === "" ? [pendingFile(stateDir, cwd)] : [pendingFile(stateDir, cwd, session), pendingFile(stateDir, cwd)];
  for (const path of paths) {
    const pending = readFile(path);
    if (pending !== undefined && processAlive({ pid: pending.server_pid, start: pending.server_start })) return pending;
  }
  return undefined;
}
