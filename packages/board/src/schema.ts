import { z } from "zod";

// The board's shapes, one definition each: the types are inferred from these schemas, and every
// operation is parsed with them before the reducer sees it (a journal line is a file on disk,
// and a tool's input comes from a model: neither is trusted to have the type it claims).

/** A task's key: short, printable, safe in a file name and a message. */
const TaskKeySchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a key is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");

/** A member of the team: an agent's name as the board knows it. */
const MemberSchema = z.string().min(1).max(200);

/** A member as the team knows it: its name and the vendor whose CLI it runs (what review across vendors reads). */
const TeamMemberSchema = z
  .object({
    name: MemberSchema,
    vendor: z.string().min(1).max(64).optional(),
    /** The task categories it takes (none: any task no other member is named for). */
    categories: z.array(z.string().min(1).max(64)).max(20).optional(),
  })
  .strict();
export type TeamMember = z.infer<typeof TeamMemberSchema>;

/** A task as the orchestrator adds it. `review` overrides the board's `review_default`. */
export const TaskInputSchema = z
  .object({
    key: TaskKeySchema,
    title: z.string().min(1).max(200),
    detail: z.string().max(20_000).optional(),
    category: z.string().min(1).max(64).optional(),
    depends_on: z.array(TaskKeySchema).max(50).optional(),
    assignee: MemberSchema.optional(),
    review: z.boolean().optional(),
    /** Who reviews it: a member's name, or a vendor (any member of it). Default: a member of another vendor than its author. */
    reviewer: MemberSchema.optional(),
  })
  .strict();
export type TaskInput = z.infer<typeof TaskInputSchema>;

/** `board_add`'s input: up to a whole board's tasks at once, added all or none. */
export const BoardAddInputSchema = z.object({ tasks: z.array(TaskInputSchema).min(1).max(1000) }).strict();

/** Where a task stands. `at` and `seen_at` are epoch milliseconds from the operation's clock. */
const TaskStateSchema = z.discriminatedUnion("status", [
  /** Some dependency is not done yet. */
  z.object({ status: z.literal("waiting") }),
  z.object({ status: z.literal("open") }),
  /** `seen_at`: the claimer's last sign of life; a claim not seen for `claim_timeout_ms` is released. */
  z.object({ status: z.literal("claimed"), by: MemberSchema, at: z.number(), seen_at: z.number() }),
  /** Finished by `by`, waiting for another member's verdict; `reviewer` once one has taken it. */
  z.object({
    status: z.literal("in_review"),
    by: MemberSchema,
    result: z.string(),
    receipt: z.unknown().optional(),
    at: z.number(),
    reviewer: MemberSchema.optional(),
  }),
  z.object({ status: z.literal("done"), by: MemberSchema, result: z.string(), receipt: z.unknown().optional(), at: z.number() }),
  z.object({ status: z.literal("failed"), reason: z.string(), at: z.number() }),
  z.object({ status: z.literal("cancelled") }),
]);
export type TaskState = z.infer<typeof TaskStateSchema>;
export type TaskStatus = TaskState["status"];

/** Why the last attempt was sent back, and by whom: what the next claimer reads first. */
const SentBackSchema = z.object({ reasons: z.array(z.string()), by: z.string() });

/** A task on the board: as added, where it stands, and how many attempts ended without it done. */
export const TaskSchema = TaskInputSchema.extend({
  state: TaskStateSchema,
  tries: z.number().int().min(0),
  sent_back: SentBackSchema.optional(),
});
export type Task = z.infer<typeof TaskSchema>;

/** Board-wide settings. `members`, when set, is the only team allowed to claim, finish or review. */
export const BoardOptionsSchema = z
  .object({
    max_tries: z.number().int().min(1).max(100).default(3),
    claim_timeout_ms: z
      .number()
      .int()
      .min(1)
      .default(10 * 60_000),
    review_default: z.boolean().optional(),
    max_tasks: z.number().int().min(1).max(100_000).default(1000),
    max_result_chars: z.number().int().min(1).default(64_000),
    members: z.array(MemberSchema).optional(),
  })
  .strict();
export type BoardOptions = z.infer<typeof BoardOptionsSchema>;
export type BoardOptionsInput = z.input<typeof BoardOptionsSchema>;

const reasons = z.array(z.string().min(1).max(20_000)).max(50);

/**
 * Every change to a board is one of these operations; the board is the fold of them in order.
 * Time is not part of an operation: the reducer takes it beside, and the journal keeps it with
 * each line, so replaying the journal gives the same board.
 */
export const BoardOpSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("add"), tasks: BoardAddInputSchema.shape.tasks }).strict(),
  z.object({ type: z.literal("claim"), key: TaskKeySchema, member: MemberSchema }).strict(),
  z.object({ type: z.literal("heartbeat"), member: MemberSchema }).strict(),
  /** Members join the team: from then on only the team claims, finishes or reviews. */
  z.object({ type: z.literal("join"), members: z.array(TeamMemberSchema).min(1).max(100) }).strict(),
  z
    .object({
      type: z.literal("done"),
      key: TaskKeySchema,
      member: MemberSchema,
      result: z.string(),
      receipt: z.unknown().optional(),
      /** The receipt's evidence against the claimed work (a claim its facts do not back): present and non-empty sends the task back. */
      suspect: reasons.optional(),
    })
    .strict(),
  z.object({ type: z.literal("fail"), key: TaskKeySchema, member: MemberSchema, reason: z.string().min(1).max(20_000) }).strict(),
  z
    .object({
      type: z.literal("review"),
      key: TaskKeySchema,
      reviewer: MemberSchema,
      verdict: z.enum(["approve", "changes_requested"]),
      reasons,
    })
    .strict(),
  /** Claims whose claimer has not been seen for `claim_timeout_ms` go back to open. */
  z.object({ type: z.literal("release") }).strict(),
  /** A member that ended or was killed: its claims go back to open, its reviews back to be taken. */
  z.object({ type: z.literal("release_member"), member: MemberSchema, why: z.string().min(1).max(500).optional() }).strict(),
  /** Cancels the named tasks (all when no keys) that are not done. */
  z.object({ type: z.literal("cancel"), keys: z.array(TaskKeySchema).max(1000).optional() }).strict(),
]);
export type BoardOp = z.infer<typeof BoardOpSchema>;

/** The whole board: its settings, its team (once one joined) and its tasks in the order they were added. */
export interface Board {
  readonly options: BoardOptions;
  readonly team?: readonly TeamMember[];
  readonly tasks: readonly Task[];
}
