import { z } from "zod";

/**
 * The wire of MCP 2026-07-28 as far as we serve it: `server/discover` (the stateless handshake that
 * replaces `initialize`), and the tasks extension's requests. Claude Code (2.1.319 and later) sends
 * `server/discover` first and falls back to `initialize` when it is refused; every later request
 * carries the client's capabilities in `_meta`, so whether a host takes tasks is read per request.
 */
export const PROTOCOL_2026 = "2026-07-28";
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";
export const META_PROTOCOL = "io.modelcontextprotocol/protocolVersion";
export const META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";

/** What a 2026-07-28 request's `_meta` says about its client; everything else passes. */
const ClientMetaSchema = z.looseObject({
  [META_PROTOCOL]: z.string().optional(),
  [META_CLIENT_CAPABILITIES]: z
    .looseObject({
      elicitation: z.looseObject({ form: z.looseObject({}).optional() }).optional(),
      extensions: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

const ParamsSchema = z.looseObject({ _meta: ClientMetaSchema.optional() });

export const DiscoverRequestSchema = z.object({ method: z.literal("server/discover"), params: ParamsSchema.optional() });

const TaskIdParams = ParamsSchema.extend({ taskId: z.string().min(1).max(256) });
export const GetTaskRequestSchema = z.object({ method: z.literal("tasks/get"), params: TaskIdParams });
export const CancelTaskRequestSchema = z.object({ method: z.literal("tasks/cancel"), params: TaskIdParams });
/** Answers to a task's input requests, by the key each request was given. */
export const UpdateTaskRequestSchema = z.object({
  method: z.literal("tasks/update"),
  params: TaskIdParams.extend({ inputResponses: z.record(z.string(), z.unknown()).optional() }),
});

export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** A task as `tasks/get` and the task answer to `tools/call` show it (flat, as the extension has it). */
export interface WireTask {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  /** How often the host should ask (Claude Code honours it; without it, it asks every 2 s). */
  pollIntervalMs?: number;
  ttlMs?: number;
  /** The tool's result, once completed. */
  result?: unknown;
  /** Failed: the error the call would have answered. */
  error?: { code: number; message: string };
  /** Input required: what to ask, by key. */
  inputRequests?: Record<string, unknown>;
}

// Most requests carry no client capabilities (every client before 2026-07-28): they are answered
// without a parse, which costs a launch a quarter of a millisecond.
const carriesCapabilities = (meta: unknown): boolean => typeof meta === "object" && meta !== null && META_CLIENT_CAPABILITIES in meta;

/** True when the request's client takes task answers (the interactive Claude Code does; `claude -p` does not). */
export function acceptsTasks(meta: unknown): boolean {
  if (!carriesCapabilities(meta)) return false;
  const parsed = ClientMetaSchema.safeParse(meta);
  return parsed.success && parsed.data[META_CLIENT_CAPABILITIES]?.extensions?.[TASKS_EXTENSION] !== undefined;
}

/** True when the request's client can show an elicitation form. */
export function acceptsForms(meta: unknown): boolean {
  if (!carriesCapabilities(meta)) return false;
  const parsed = ClientMetaSchema.safeParse(meta);
  const elicitation = parsed.success ? parsed.data[META_CLIENT_CAPABILITIES]?.elicitation : undefined;
  // A bare `elicitation: {}` means form mode, as it did before modes were named.
  return elicitation !== undefined && (elicitation.form !== undefined || Object.keys(elicitation).length === 0);
}
