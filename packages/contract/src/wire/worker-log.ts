// What a worker keeps on disk that others read: its turn log's lines (the worker appends them, the
// usage package sums them) and its saved session (the provider its turns ran on).
import { z } from "zod";
import { ProviderSchema } from "../provider.js";
import { ReceiptSchema } from "./receipt.js";
import { UsageSchema } from "../tokens.js";

/** The conversation a worker resumes after a restart. */
export const SavedSessionSchema = z.object({ provider: ProviderSchema, sessionId: z.string().min(1), savedAt: z.string() });
export type SavedSession = z.infer<typeof SavedSessionSchema>;

/** One line of the worker's turn log (turns.jsonl). */
export const TurnLogSchema = z.object({
  at: z.string(),
  worker: z.string(),
  messages: z.array(z.string()),
  from: z.array(z.string()),
  thread: z.string(),
  attempt: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  exit: z.enum(["ok", "error", "timeout", "exited", "stopped"]),
  outcome: z.enum(["replied", "acked", "requeued", "dead", "released"]),
  tokens: UsageSchema.optional(),
  costUsd: z.number().optional(),
  /** The CLI and the model the turn ran on (older logs do not say). */
  provider: ProviderSchema.optional(),
  model: z.string().optional(),
  sessionId: z.string().optional(),
  reply: z.string().optional(),
  error: z.string().optional(),
  /** What the turn did (its events, permission answers and git in the worker's folder); older logs have none. */
  receipt: ReceiptSchema.optional(),
});
export type TurnLog = z.infer<typeof TurnLogSchema>;
