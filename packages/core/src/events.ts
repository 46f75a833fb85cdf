import { z } from "zod";
import { PermissionRequestSchema } from "./permission.js";

/** The providers with a driver of their own; every other one is an ACP agent named in config or a preset. */
export const BUILTIN_PROVIDERS = ["claude", "codex", "gemini"] as const;
export const BuiltinProviderSchema = z.enum(BUILTIN_PROVIDERS);
export type BuiltinProvider = z.infer<typeof BuiltinProviderSchema>;

/**
 * The name of a provider a session can run on: a built-in one or any configured ACP agent. Which
 * names exist is known only at run time (the user's config), so a name is checked where a driver
 * is looked up, with an error that lists the configured ones.
 */
export const ProviderSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, "a provider name is lowercase letters, digits and '-' (at most 32), e.g. claude, qwen, my-agent");
export type Provider = z.infer<typeof ProviderSchema>;

/** Token counts, summed the same way for every provider. */
export const UsageSchema = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cacheRead: z.number().int().nonnegative(),
  cacheWrite: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** Zero usage, the start of every total. */
export const ZERO_USAGE: Usage = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

/** Adds two usage records. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

/** ok: room left; warning: nearly spent (the CLI's own threshold, or 80 %); exhausted: refused until it resets. */
export const RateLimitStatusSchema = z.enum(["ok", "warning", "exhausted"]);
export type RateLimitStatus = z.infer<typeof RateLimitStatusSchema>;

/**
 * The normalized events every driver emits. Nothing above the drivers knows any CLI's wire format:
 * each driver maps its protocol onto exactly these.
 */
export const AgentEventSchema = z.discriminatedUnion("type", [
  /** The CLI's own session/thread id is known (it may change, e.g. after a context reset). */
  z.object({ type: z.literal("started"), sessionId: z.string(), model: z.string() }),
  z.object({ type: z.literal("text"), delta: z.string() }),
  z.object({ type: z.literal("tool"), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal("tool_result"), name: z.string(), ok: z.boolean() }),
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
  /** A launch that waited (queued) got its slot: its CLI starts now. */
  z.object({ type: z.literal("admitted") }),
  /** The CLI process is gone. */
  z.object({ type: z.literal("exit"), code: z.number().int().nullable(), signal: z.string().nullable() }),
]);
export type AgentEvent = z.infer<typeof AgentEventSchema>;
export type AgentEventType = AgentEvent["type"];
