// The journal's on-disk format: one JSON object per line, each one of these entries.
import { z } from "zod";
import { ReceiptSchema, RecordedUsageSchema } from "@subagent-mcp/contract";

/** Which server launched (or owns) an agent: its pid tells whether it is still alive. */
// `start`: the process's start time (state's ProcessRef), so that a later process given the same pid is
// not taken for the owner; absent in refs written by older versions.
export const ServerRefSchema = z.object({ id: z.string(), pid: z.number().int(), start: z.string().optional(), started_at: z.string() });
export type ServerRef = z.infer<typeof ServerRefSchema>;

/** An agent's limits (core's Budget), journaled so that a resume keeps them. */
const BudgetLimits = z.object({
  max_cost_usd: z.number().optional(),
  max_tokens: z.number().optional(),
  max_turns: z.number().optional(),
  max_seconds: z.number().optional(),
});

const WorktreeSchema = z.object({ path: z.string(), branch: z.string(), base: z.string() });

/** The first line of an agent's journal: how it was launched (see launch-record.ts for its one mapping from and to a launch). */
export const LaunchEntrySchema = z.object({
  t: z.literal("launch"),
  at: z.string(),
  agent_id: z.string(),
  server: ServerRefSchema,
  project: z.string(),
  provider: z.string(),
  model: z.string().optional(),
  effort: z.string().optional(),
  cwd: z.string(),
  label: z.string().optional(),
  /** The task category routing chose it for (launch_agent's task_category): what `usage --by category` groups by. */
  category: z.string().optional(),
  pool: z.string().optional(),
  permission_mode: z.string().optional(),
  allowed_tools: z.array(z.string()).optional(),
  permissions: z.object({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional(), ask: z.array(z.string()).optional() }).optional(),
  system_prompt_append: z.string().optional(),
  worktree: WorktreeSchema.optional(),
  /** The agent's limits at launch (core's Budget), so that a resume keeps them. */
  budget: BudgetLimits.optional(),
  /** The agents the launching server ran under, top first (a nested server's); none for a top-level server. */
  lineage: z.array(z.string()).optional(),
  /** The machine of the fleet it was placed on, when not the server's. */
  machine: z.string().optional(),
  /**
   * The user's MCP servers it was handed (launch_agent's mcp_servers): each by name, where it was
   * read from, and the command or URL it runs; never its env or headers (a resume resolves the
   * names again; an inline server's secrets are not kept).
   */
  mcp_servers: z.array(z.object({ name: z.string(), from: z.string(), command: z.string().optional(), url: z.string().optional() })).optional(),
});

/** One line of an agent's journal, told apart by `t`. */
export const JournalEntrySchema = z.discriminatedUnion("t", [
  LaunchEntrySchema,
  z.object({
    t: z.literal("resume"),
    at: z.string(),
    server: ServerRefSchema,
    session_id: z.string().optional(),
    reason: z.string(),
    /** The limits of the resumed life (what was left, or new ones), counted from here. */
    budget: BudgetLimits.optional(),
    /** The machine of the fleet it is resumed on (where its conversation is saved), when not the server's. */
    machine: z.string().optional(),
  }),
  /** Its CLI's conversation started: saved on `machine` (of the fleet) when not the server's, and resumed there. */
  z.object({ t: z.literal("session"), at: z.string(), session_id: z.string(), model: z.string().optional(), machine: z.string().optional() }),
  z.object({ t: z.literal("prompt"), at: z.string(), turn: z.number().int(), text: z.string() }),
  z.object({ t: z.literal("tool"), at: z.string(), turn: z.number().int(), name: z.string(), summary: z.string() }),
  z.object({ t: z.literal("error"), at: z.string(), message: z.string(), transient: z.boolean() }),
  z.object({
    t: z.literal("turn"),
    at: z.string(),
    turn: z.number().int(),
    result: z.string(),
    is_error: z.boolean(),
    interrupted: z.boolean(),
    usage: RecordedUsageSchema,
    cost_usd: z.number().optional(),
    duration_ms: z.number(),
    /** Escalated (why): spent, and failed, but the next candidate's turn of the same number is the answer. */
    superseded: z.string().optional(),
    /**
     * What the turn did (receipt.ts caps its lists); absent in journals written before receipts.
     * One this reader cannot parse (a newer shape) is dropped, not the turn.
     */
    receipt: ReceiptSchema.optional().catch(undefined),
  }),
  z.object({ t: z.literal("status"), at: z.string(), status: z.string(), alive: z.boolean(), note: z.string().optional() }),
  /** How it ended; `by: "user"`: the user stopped it (`subagent-mcp stop`, the dashboard), resumable like any kill. */
  z.object({ t: z.literal("end"), at: z.string(), status: z.string(), why: z.string(), by: z.literal("user").optional() }),
  /** The agent left a candidate for `next`: a transient failover, or an escalation (its answer and the check it failed). */
  z.object({
    t: z.literal("attempt"),
    at: z.string(),
    kind: z.enum(["failover", "escalation"]),
    provider: z.string(),
    model: z.string().optional(),
    effort: z.string().optional(),
    machine: z.string().optional(),
    reason: z.string(),
    result: z.string().optional(),
    check: z.object({ command: z.string(), exit_code: z.number().int().nullable(), output_tail: z.string(), duration_ms: z.number() }).optional(),
    cost_usd: z.number().optional(),
    next: z.object({ provider: z.string(), model: z.string().optional(), effort: z.string().optional() }),
  }),
]);
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

/** Where an agent's worktree is, as its launch entry records it. */
export type JournalWorktree = z.infer<typeof WorktreeSchema>;
