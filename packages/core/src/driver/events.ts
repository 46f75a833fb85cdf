import { z } from "zod";
import { PermissionRequestSchema, ReceiptFilesSchema, ReceiptSchema, ToolKindSchema, UsageSchema } from "@subagent-mcp/contract";

/** ok: room left; warning: nearly spent (the CLI's own threshold, or 80 %); exhausted: refused until it resets. */
export const RateLimitStatusSchema = z.enum(["ok", "warning", "exhausted"]);
export type RateLimitStatus = z.infer<typeof RateLimitStatusSchema>;

/**
 * The files a turn changed as read where its agent ran (a machine of the fleet reads git in its own
 * checkout), and what of them could not be determined there: its receipt takes them as they are.
 */
export const TurnFilesSchema = z.object({ files: ReceiptFilesSchema, undetermined: z.array(z.string()) });
export type TurnFiles = z.infer<typeof TurnFilesSchema>;

/**
 * The normalized events every driver emits. Nothing above the drivers knows any CLI's wire format:
 * each driver maps its protocol onto exactly these.
 */
export const AgentEventSchema = z.discriminatedUnion("type", [
  /** The CLI's own session/thread id is known (it may change, e.g. after a context reset). */
  z.object({ type: z.literal("started"), sessionId: z.string(), model: z.string() }),
  z.object({ type: z.literal("text"), delta: z.string() }),
  /**
   * A tool call starts. `id` pairs it with its result; `kind` says what it does (the driver knows its
   * CLI's tool names); `command` is a shell call's command line, `paths` the files an edit call
   * writes, `server` an MCP call's server. A receipt counts these; nothing else reads them.
   */
  z.object({
    type: z.literal("tool"),
    name: z.string(),
    input: z.unknown(),
    id: z.string().optional(),
    kind: ToolKindSchema.optional(),
    command: z.string().optional(),
    paths: z.array(z.string()).optional(),
    server: z.string().optional(),
  }),
  /** A tool call's result; `exitCode` is a shell call's (undefined: the CLI did not say). */
  z.object({
    type: z.literal("tool_result"),
    name: z.string(),
    ok: z.boolean(),
    id: z.string().optional(),
    exitCode: z.number().int().nullable().optional(),
  }),
  /** One user turn is over, successfully, with an error, or interrupted. */
  z.object({
    type: z.literal("turn_end"),
    result: z.string(),
    isError: z.boolean(),
    usage: UsageSchema,
    costUsd: z.number().nonnegative().optional(),
    durationMs: z.number().nonnegative(),
    /** The turn was cut short by an interrupt; the session goes on. */
    interrupted: z.boolean().optional(),
    /**
     * Why the CLI ended it, in its own words, when not a plain end of turn: Claude Code's result
     * subtype (error_max_turns, error_during_execution), ACP's stop reason (max_turn_requests,
     * max_tokens, refusal), Codex's error kind. `maxTurns`: that reason is the CLI's turn limit.
     */
    stop: z.object({ reason: z.string(), maxTurns: z.boolean().optional() }).optional(),
    /** Filled in by the supervisor (never a driver) from its witness before the turn is reported. */
    receipt: ReceiptSchema.optional(),
    /** Its files as the machine of the fleet it ran on read them (a session there says; a local CLI's never do). */
    files: TurnFilesSchema.optional(),
  }),
  /** A failure; `transient` says whether trying again (later, or elsewhere) may succeed. */
  z.object({ type: z.literal("error"), message: z.string(), transient: z.boolean() }),
  /** The CLI asks whether it may use a tool; the turn waits for `Session.respondPermission`. */
  z.object({ type: z.literal("permission_request"), request: PermissionRequestSchema }),
  /** The CLI no longer waits for that answer (its turn was interrupted or ended). */
  z.object({ type: z.literal("permission_withdrawn"), requestId: z.string() }),
  /**
   * The provider's account says how much of a rate-limit window is spent (Claude Code's
   * rate_limit_event, the Codex app-server's rate-limit updates, a quota error): routing reads it
   * as headroom. Not activity: it neither ends nor advances a turn.
   */
  z.object({
    type: z.literal("rate_limit"),
    /** The window as the CLI names it, e.g. five_hour, seven_day, primary, secondary, quota. */
    window: z.string().min(1).max(64),
    status: RateLimitStatusSchema,
    usedPercent: z.number().min(0).max(100).optional(),
    /** When the window starts afresh, in epoch milliseconds. */
    resetsAt: z.number().int().nonnegative().optional(),
  }),
  /**
   * The session's launch waits for a free slot where it runs (a full machine of the fleet), at
   * `position` in its line there (1 is next): no CLI runs yet, so it is queued, not stalled.
   */
  z.object({ type: z.literal("queued"), position: z.number().int().positive() }),
  /**
   * What the CLI says of one of the session's MCP servers as it starts them (Claude Code's init
   * line, Codex's startup notifications): `failed` with its reason where the CLI gives one. Not
   * activity: a session goes on without a server that failed, and this says which.
   */
  z.object({
    type: z.literal("mcp_status"),
    server: z.string(),
    status: z.enum(["connected", "failed", "pending"]),
    error: z.string().optional(),
  }),
  /** A launch that waited (queued) got its slot: its CLI starts now. */
  z.object({ type: z.literal("admitted") }),
  /** The CLI process is gone. */
  z.object({ type: z.literal("exit"), code: z.number().int().nullable(), signal: z.string().nullable() }),
]);
export type AgentEvent = z.infer<typeof AgentEventSchema>;
