import { z } from "zod";

/** How urgently a message wants its recipient: low and normal broadcasts wait for a real wake. */
export const PrioritySchema = z.enum(["low", "normal", "high"]);
export type Priority = z.infer<typeof PrioritySchema>;

/** One message between agents (the orchestrator, sub-agents, workers, a person at a shell). */
export const MessageSchema = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  body: z.string(),
  priority: PrioritySchema,
  threadId: z.string(),
  /** The message this one answers, if any. */
  replyTo: z.string().optional(),
  sentAt: z.number(),
  /** Deliveries that were not acknowledged (a crash mid-turn, a failed turn). */
  attempts: z.number().int().nonnegative(),
});
export type Message = z.infer<typeof MessageSchema>;

/**
 * A mailbox per agent name with at-least-once delivery: a received message stays claimed until it
 * is acknowledged; released (or orphaned by a crash) it is delivered again, and after too many
 * attempts it goes to a dead-letter place. The embedded backend is a Maildir; a networked one can
 * implement the same interface.
 */
export interface Mailboxes {
  send(message: Omit<Message, "id" | "sentAt" | "attempts" | "threadId"> & { threadId?: string }): Message;
  /** Claims up to `limit` waiting messages for `name` (only those `only` accepts), high priority first, then oldest first. */
  receive(name: string, limit?: number, only?: (message: Message) => boolean): Message[];
  /** Done with a claimed message: it is gone for good. */
  ack(name: string, id: string): void;
  /** Not done: back to the mailbox for another attempt, or to dead letters after too many. */
  release(name: string, id: string): "requeued" | "dead";
  /** Resolves when `name` has waiting messages, or at the deadline / abort (false). */
  wait(name: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** How many messages wait, unclaimed, in `name`'s mailbox. */
  pending(name: string): number;
  /** Messages in `name`'s dead letters. */
  dead(name: string): Message[];
}
