import { ReceiptSchema } from "@subagent-mcp/contract";
import { z } from "zod";
import { SafeName } from "./names.js";

/** How urgently a message wants its recipient: low and normal broadcasts wait for a real wake. */
export const PrioritySchema = z.enum(["low", "normal", "high"]);

/** The recipient that means "every mailbox but the sender's". */
export const BROADCAST = "*";

/**
 * One message between agents (the orchestrator, sub-agents, workers, a person at a shell). Ids and
 * names become paths and reply addresses, so a file on disk whose names are unsafe is not a message.
 */
export const MessageSchema = z.object({
  id: SafeName,
  from: SafeName,
  to: z.union([SafeName, z.literal(BROADCAST)]),
  body: z.string(),
  priority: PrioritySchema,
  threadId: z.string(),
  /** The message this one answers, if any. */
  replyTo: z.string().optional(),
  /** Sent to everyone (a copy in each mailbox). */
  broadcast: z.boolean().optional(),
  /**
   * Written by a program, not by an agent's choice (a worker's automatic reply). Like automatic
   * e-mail replies (RFC 3834), nobody answers one automatically: two workers cannot loop forever.
   */
  auto: z.boolean().optional(),
  /** A failure notice: the recipient gave up on the message this one answers (it is in its dead letters). */
  bounce: z.boolean().optional(),
  /** A worker's automatic reply: the receipt of the turn that wrote it (what it did, not what it says). */
  receipt: ReceiptSchema.optional(),
  sentAt: z.number(),
  /** Deliveries that were not acknowledged (a crash mid-turn, a failed turn). */
  attempts: z.number().int().nonnegative(),
});
export type Message = z.infer<typeof MessageSchema>;

/** What a sender gives; the mailbox assigns id, time, attempts and (for a new thread) the thread id. */
export type OutgoingMessage = Omit<Message, "id" | "sentAt" | "attempts" | "threadId" | "broadcast"> & { threadId?: string };

/** Where a released message went: back to the mailbox, to dead letters, or (its file had become unreadable) to quarantine. */
export type Released = "requeued" | "dead" | "quarantined";

/** What {@link Mailboxes.recover} did with the claims a dead reader left. */
export interface Recovered {
  requeued: number;
  /** Messages that used their last attempt: their senders wait for an answer that will not come. */
  dead: Message[];
  /** Claims that were no longer messages. */
  quarantined: number;
}

/** A file kept aside from a mailbox, with why, and where and when it was found (unless its note was lost). */
export interface Quarantined {
  file: string;
  reason: string;
  from?: "new" | "cur" | "dead";
  at?: string;
}

/**
 * The cost guard: what wakes `self`. A message addressed to it, or a high-priority broadcast; low
 * and normal broadcasts are read only when something else wakes the agent.
 */
export function wakes(message: Message): boolean {
  return message.broadcast !== true || message.priority === "high";
}

/**
 * A mailbox per agent name with at-least-once delivery: a received message stays claimed until it
 * is acknowledged; released (or orphaned by a crash) it is delivered again, and after too many
 * attempts it goes to a dead-letter place. The embedded backend is a Maildir; a networked one can
 * implement the same interface.
 */
export interface Mailboxes {
  /** Delivers to `to`'s mailbox, or to every known mailbox but the sender's when `to` is {@link BROADCAST}. */
  send(message: OutgoingMessage): Message;
  /** Claims up to `limit` waiting messages for `name` (only those `only` accepts), high priority first, then oldest first. */
  receive(name: string, limit?: number, only?: (message: Message) => boolean): Message[];
  /** Done with a claimed message: it is gone for good. */
  ack(name: string, id: string): void;
  /**
   * Not done: back to the mailbox for another attempt, or to dead letters after too many. With
   * `count: false` (a clean shutdown, not a failure) the attempt is not counted.
   */
  release(name: string, id: string, options?: { count?: boolean }): Released;
  /**
   * Requeues claims left by a reader that died (call when taking over a mailbox); counts an attempt
   * each, so a message that crashes its reader every time ends in dead letters (returned, to bounce).
   */
  recover(name: string): Recovered;
  /** Resolves true when `name` has a waiting message that `only` accepts, or false at the deadline / abort. */
  wait(name: string, timeoutMs: number, signal?: AbortSignal, only?: (message: Message) => boolean): Promise<boolean>;
  /** The waiting (unclaimed) messages, without claiming them, in delivery order. */
  peek(name: string): Message[];
  /** How many messages wait, unclaimed, in `name`'s mailbox. */
  pending(name: string): number;
  /** Messages in `name`'s dead letters. */
  dead(name: string): Message[];
  /** Moves dead letters (all, or the one with `id`) back to the mailbox with a fresh attempt count; returns how many. */
  revive(name: string, id?: string): number;
  /** Files in `name`'s mailbox that were not messages (unreadable, unparseable, unsafe, too large), kept aside. */
  quarantined(name: string): Quarantined[];
  /** Messages claimed by a reader and not yet acknowledged. */
  claimed(name: string): number;
  /** The mailboxes that exist (someone has read or been sent to them). */
  names(): string[];
  /** Deletes `name`'s mailbox if nothing is in it (waiting, claimed, dead, quarantined); true if it is gone. */
  forget(name: string): boolean;
}
