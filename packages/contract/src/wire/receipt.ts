import { z } from "zod";

// A turn's receipt: what the sub-agent did in one turn, from what we saw (its CLI's tool events,
// the permission answers, git), never from what its final text says. One shape on every wire: the
// tools' results, the journal, `logs`, the dashboard.

/** What a tool call does, whatever the CLI calls it. */
export const ToolKindSchema = z.enum(["shell", "edit", "read", "search", "web", "mcp", "other"]);
export type ToolKind = z.infer<typeof ToolKindSchema>;

/**
 * How a turn ended. end_turn: the model said it was done; max_turns: the CLI's turn limit stopped
 * it; error: the CLI or the model failed; interrupted: interrupt_agent (or a check's stop);
 * killed: kill_agent or the process died; budget: a budget stopped it; permission_denied: a
 * refusal ended it.
 */
const TurnEndingSchema = z.enum(["end_turn", "max_turns", "error", "interrupted", "killed", "budget", "permission_denied"]);
export type TurnEnding = z.infer<typeof TurnEndingSchema>;

/** A shell command the turn ran, and its exit code (null: the CLI did not say). */
export const ReceiptCommandSchema = z.object({
  command: z.string(),
  exit_code: z.number().int().nullable(),
  /** Recognised as a test run (see the receipts' test commands). */
  test: z.boolean().optional(),
});
export type ReceiptCommand = z.infer<typeof ReceiptCommandSchema>;

/** A permission request of the turn and how it was answered. */
export const ReceiptPermissionSchema = z.object({
  tool: z.string(),
  summary: z.string(),
  decision: z.enum(["allow", "allow_always", "deny"]),
  /** rule: the permission rules or a bound of ours; orchestrator: respond_permission (or an interrupt or kill); timeout: nobody answered. */
  by: z.enum(["rule", "orchestrator", "timeout"]),
  rule: z.string().optional(),
});
export type ReceiptPermission = z.infer<typeof ReceiptPermissionSchema>;

/** One file the turn changed, with its lines added and removed (absent for a binary file). */
export const ReceiptFileSchema = z.object({
  path: z.string(),
  /** written: an edit tool of the CLI wrote it (files from the tools: whether it was new is not known). */
  change: z.enum(["added", "modified", "deleted", "written"]),
  added: z.number().int().nonnegative().optional(),
  removed: z.number().int().nonnegative().optional(),
  binary: z.boolean().optional(),
});
export type ReceiptFile = z.infer<typeof ReceiptFileSchema>;

/**
 * The files a turn changed. git: read from the working tree against the tree as it was when the
 * turn started (untracked files included, ignored ones not); tools: outside a repository, the files
 * the CLI's edit tools reported (a shell command's writes are not seen); none: not determined
 * (`undetermined` says why). With `undetermined` set, the count is not the turn's: git could not
 * answer (it took too long, the worktree went away) or what ran could write unseen, and `changed`
 * holds only what the edit tools named; or git read an agent's first turn's start after its first
 * write, and the named files git missed are listed as written beside what git counted.
 */
export const ReceiptFilesSchema = z.object({
  source: z.enum(["git", "tools", "none"]),
  /** Why the files changed are not known (e.g. "git took longer than 2000 ms"). */
  undetermined: z.string().optional(),
  changed: z.array(ReceiptFileSchema),
  /** All changed files, lines added and removed, including those left out of `changed`. */
  total: z.object({ files: z.number().int(), added: z.number().int(), removed: z.number().int() }),
  /** Files changed but not listed (past the receipt's cap). */
  omitted: z.number().int().positive().optional(),
});
export type ReceiptFiles = z.infer<typeof ReceiptFilesSchema>;

/** Why a claim in the final text is not backed by what the turn did. */
const SuspectReasonSchema = z.enum([
  "no_tool_calls",
  "no_changes",
  "no_test_run",
  "tests_failed",
  "tests_undetermined",
  "tool_error_unanswered",
  "stopped_early",
  "permission_denied",
]);

export const SuspectSchema = z.object({ reason: SuspectReasonSchema, evidence: z.string() });
export type Suspect = z.infer<typeof SuspectSchema>;

/**
 * A second opinion on the turn (launch_agent's `review`): another agent read the task, this receipt
 * and the diff, read-only, and answered. undetermined: it gave no verdict (it failed, timed out, or
 * its answer named none); `detail` says why.
 */
export const ReceiptReviewSchema = z.object({
  provider: z.string(),
  model: z.string().optional(),
  /** The reviewer's agent id (its turn is in the journal and `logs`). */
  agent_id: z.string().optional(),
  verdict: z.enum(["approve", "changes_requested", "undetermined"]),
  reasons: z.array(z.string()),
  detail: z.string().optional(),
  cost_usd: z.number().optional(),
  tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }).optional(),
});
export type ReceiptReview = z.infer<typeof ReceiptReviewSchema>;

const ReceiptCore = z.object({
  ended: z.object({ how: TurnEndingSchema, detail: z.string().optional().describe("The CLI's error kind, the limit reached, or the stop reason.") }),
  tools: z.object({
    calls: z.number().int().nonnegative(),
    by_kind: z.partialRecord(ToolKindSchema, z.number().int().positive()),
    /** MCP calls by server. */
    mcp: z.record(z.string(), z.number().int().positive()).optional(),
    /** Calls whose result was an error. */
    failed: z.number().int().nonnegative(),
  }),
  commands: z.array(ReceiptCommandSchema),
  /** Commands run but not listed (past the receipt's cap). */
  commands_omitted: z.number().int().positive().optional(),
  permissions: z.array(ReceiptPermissionSchema),
  files: ReceiptFilesSchema,
  tests: z.object({
    /** Lines that ran a test command (as a command, not as words given to another: `echo npm test` is none). */
    runs: z.number().int().nonnegative(),
    /**
     * The last test run's: passed (exit 0), failed, unknown (no exit code), none (no test ran),
     * undetermined (its exit is not the tests': `npm test || true`, `npm test | tee log`; or, with
     * no test run, a line that only names one: `echo npm test`); `reason` says which.
     */
    verdict: z.enum(["passed", "failed", "unknown", "none", "undetermined"]),
    last: ReceiptCommandSchema.optional(),
    /** Why the verdict is undetermined (e.g. "exit masked by `|| true`"). */
    reason: z.string().optional(),
  }),
  tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }),
  cost_usd: z.number().optional(),
  duration_ms: z.number().nonnegative(),
  /** What could not be determined, and why (the rest of the receipt stands). */
  undetermined: z.array(z.string()).optional(),
  /** Claims of the final text that the facts above do not back. */
  suspect: z.array(SuspectSchema).optional(),
  /** The reviewer's verdict, when the launch asked for a review and the turn changed files. */
  review: ReceiptReviewSchema.optional(),
});

/** A turn's receipt; an escalated task's lists each earlier attempt's. */
export const ReceiptSchema = ReceiptCore.extend({
  attempts: z.array(ReceiptCore.extend({ provider: z.string(), model: z.string().optional() })).optional(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/**
 * A receipt's first line, as the text a host model reads first shows it: SUSPECT and why, or what
 * was done. One line whatever it quotes (a command, a claim): each line break in it is a space.
 */
export function receiptLine(receipt: Receipt): string {
  return factsLine(receipt).replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, " ");
}

function factsLine(receipt: Receipt): string {
  const { tools, files, tests } = receipt;
  const parts = [`${tools.calls} tool call${tools.calls === 1 ? "" : "s"}`];
  if (files.undetermined !== undefined) parts.push(`files undetermined (${clip(files.undetermined)})`);
  else if (files.source !== "none")
    parts.push(`${files.total.files} file${files.total.files === 1 ? "" : "s"} changed (+${files.total.added} -${files.total.removed})`);
  if (tests.verdict === "undetermined") parts.push(`tests undetermined (${clip(tests.reason ?? "its exit is not the tests'")})`);
  else if (tests.verdict !== "none") parts.push(`tests ${tests.verdict}`);
  if (receipt.ended.how !== "end_turn") parts.push(`ended: ${receipt.ended.how}${receipt.ended.detail === undefined ? "" : ` (${receipt.ended.detail})`}`);
  const facts = parts.join(", ");
  const suspect = receipt.suspect ?? [];
  const review = reviewLine(receipt.review);
  if (suspect.length === 0) return `receipt: ${facts}${review}`;
  return `SUSPECT: ${suspect.map((s) => s.evidence).join("; ")} [receipt: ${facts}]${review}`;
}

// The review's verdict after the facts: "; review by codex: changes_requested (reason; reason)".
function reviewLine(review: ReceiptReview | undefined): string {
  if (review === undefined) return "";
  const why = review.reasons.length > 0 ? review.reasons.join("; ") : review.detail;
  return `; review by ${review.provider}: ${review.verdict}${why === undefined || why === "" ? "" : ` (${clip(why)})`}`;
}

const clip = (text: string): string => (text.length <= 120 ? text : `${text.slice(0, 120)}…`);
