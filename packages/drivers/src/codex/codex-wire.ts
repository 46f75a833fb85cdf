import { z } from "zod";

// The parts of Codex's app-server notifications that we read (see `codex app-server generate-ts`).
const Tokens = z.object({
  inputTokens: z.number(),
  cachedInputTokens: z.number(),
  cacheWriteInputTokens: z.number().optional(),
  outputTokens: z.number(),
});
export type CodexTokens = z.infer<typeof Tokens>;

/** A thread item, reduced to the kinds the driver maps onto events. */
export const CodexItem = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("agentMessage"), text: z.string() }),
  z.looseObject({ type: z.literal("commandExecution"), id: z.string().optional(), command: z.string(), exitCode: z.number().int().nullable().optional() }),
  z.looseObject({ type: z.literal("fileChange"), id: z.string().optional(), changes: z.unknown(), status: z.string() }),
  z.looseObject({
    type: z.literal("mcpToolCall"),
    id: z.string().optional(),
    server: z.string(),
    tool: z.string(),
    arguments: z.unknown(),
    error: z.unknown().optional(),
  }),
  z.looseObject({ type: z.literal("webSearch"), id: z.string().optional(), query: z.string().optional() }),
]);
export type CodexItem = z.infer<typeof CodexItem>;

// codexErrorInfo: the error's kind, a name ("usageLimitExceeded") or a one-key object ({ httpConnectionFailed: {...} }).
const TurnError = z.looseObject({ message: z.string(), codexErrorInfo: z.unknown().optional() });

/** The notifications the driver acts on. */
export const CodexNote = z.discriminatedUnion("method", [
  z.object({ method: z.literal("turn/started"), params: z.looseObject({ turn: z.looseObject({ id: z.string() }) }) }),
  z.object({ method: z.literal("item/agentMessage/delta"), params: z.looseObject({ delta: z.string() }) }),
  z.object({ method: z.literal("item/started"), params: z.looseObject({ item: z.unknown() }) }),
  z.object({ method: z.literal("item/completed"), params: z.looseObject({ item: z.unknown() }) }),
  z.object({ method: z.literal("thread/tokenUsage/updated"), params: z.looseObject({ tokenUsage: z.looseObject({ total: Tokens }) }) }),
  // A request of the server's is settled (answered, or dropped with its turn).
  z.object({ method: z.literal("serverRequest/resolved"), params: z.looseObject({ requestId: z.union([z.string(), z.number()]) }) }),
  z.object({ method: z.literal("error"), params: z.looseObject({ error: TurnError, willRetry: z.boolean() }) }),
  // Rate-limit headers seen on a model answer (read in rate-limits.ts, where a bad one is dropped).
  z.object({ method: z.literal("account/rateLimits/updated"), params: z.unknown() }),
  // How the start of one of the thread's MCP servers goes: starting, ready, failed (with why), cancelled.
  z.object({
    method: z.literal("mcpServer/startupStatus/updated"),
    params: z.looseObject({ name: z.string(), status: z.string(), error: z.string().nullish() }),
  }),
  z.object({
    method: z.literal("turn/completed"),
    params: z.looseObject({
      turn: z.looseObject({ id: z.string(), status: z.string(), error: TurnError.nullable().optional(), durationMs: z.number().nullable().optional() }),
    }),
  }),
]);
