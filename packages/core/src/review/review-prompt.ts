import type { Provider, Receipt, ReceiptReview, Review } from "@subagent-mcp/contract";

// A second opinion on a turn, as pure text work: who reviews by default, what the reviewer is told
// (the task, the receipt, the diff, each bounded) and how its verdict is read from its answer.
// reviewer.ts runs the reviewer; supervisor-escalation.ts decides what a verdict changes.

/** Characters of the task, the author's answer and the diff handed to the reviewer. */
const TASK_CHARS = 8_000;
const ANSWER_CHARS = 4_000;
export const DIFF_CHARS = 24_000;

/** Which company makes each built-in CLI's models: a default reviewer is of another one. */
const VENDORS: Record<string, string> = { claude: "anthropic", codex: "openai", gemini: "google", qwen: "alibaba" };
/** The order in which a default reviewer is picked among the installed CLIs of another vendor. */
const PREFERRED: readonly Provider[] = ["codex", "claude", "gemini", "qwen"];

/** What a launch asks of its review, with the providers that could run one (installed, configured). */
export interface ReviewPlan extends Review {
  among?: readonly Provider[];
}

/** The reviewer of `author`'s turns: the one asked for, else the first installed CLI of another vendor; undefined when there is none. */
export function reviewerFor(plan: ReviewPlan, author: Provider): Provider | undefined {
  if (plan.provider !== undefined) return plan.provider;
  const among = plan.among ?? PREFERRED;
  const vendor = (p: Provider): string => VENDORS[p] ?? p;
  const ordered = [...PREFERRED.filter((p) => among.includes(p)), ...among.filter((p) => !PREFERRED.includes(p))];
  return ordered.find((p) => vendor(p) !== vendor(author));
}

/** What the reviewer reads: the task, the author's answer, the receipt's facts and the diff. */
export interface ReviewInput {
  task: string;
  author: { id: string; provider: Provider; model?: string | undefined };
  answer: string;
  receipt: Receipt;
  /** The turn's changes as a unified diff (bounded), or why there is none. */
  diff: string | undefined;
}

/** The reviewer's one prompt. It ends with the answer's required last line, which parseVerdict reads. */
export function reviewPrompt(input: ReviewInput): string {
  const { review: _r, attempts: _a, ...facts } = input.receipt;
  const who = `${input.author.provider}${input.author.model === undefined ? "" : ` (${input.author.model})`}`;
  return [
    `You are reviewing the work of another coding agent (${who}, agent ${input.author.id}) in this directory. Do not change any file: read, inspect and judge.`,
    "",
    "--- The task it was given:",
    clip(input.task, TASK_CHARS) || "(no task text)",
    "",
    "--- Its final answer:",
    clip(input.answer, ANSWER_CHARS) || "(no answer)",
    "",
    "--- What it did, as observed (its receipt: tool calls, commands with exit codes, permission answers, files changed, tests):",
    JSON.stringify(facts),
    "",
    "--- Its changes (a unified diff against the tree as its turn started):",
    input.diff === undefined || input.diff === "" ? "(not available: read the changed files listed in the receipt)" : clip(input.diff, DIFF_CHARS),
    "",
    "Judge whether the changes do what the task asked, correctly and completely, and whether its answer is true to what it did.",
    'End your answer with exactly one line of JSON: {"verdict": "approve"} if the work can stand, or {"verdict": "changes_requested", "reasons": ["...", "..."]} with what must change.',
  ].join("\n");
}

/** The verdict in a reviewer's answer: its last JSON object with a verdict, else a "verdict: …" line; undetermined when none. */
export function parseVerdict(answer: string): Pick<ReceiptReview, "verdict" | "reasons" | "detail"> {
  const objects = answer.match(/\{[^{}]*"verdict"[^{}]*\}/g) ?? [];
  for (const text of objects.reverse()) {
    const parsed = jsonOf(text);
    const verdict = verdictOf(parsed?.verdict);
    if (verdict === undefined) continue;
    const reasons = Array.isArray(parsed?.reasons) ? parsed.reasons.filter((r): r is string => typeof r === "string").map((r) => clip(r, 500)) : [];
    return { verdict, reasons: reasons.slice(0, 20) };
  }
  const line = /\bverdict\b\W{0,5}(approve[ds]?|changes[_ ]requested)/i.exec(answer);
  const verdict = verdictOf(line?.[1]);
  if (verdict !== undefined) return { verdict, reasons: [] };
  return { verdict: "undetermined", reasons: [], detail: `its answer named no verdict: ${clip(answer.trim(), 200) || "(empty)"}` };
}

function verdictOf(value: unknown): "approve" | "changes_requested" | undefined {
  if (typeof value !== "string") return undefined;
  const v = value.toLowerCase().replace(" ", "_");
  if (v.startsWith("approve")) return "approve";
  return v === "changes_requested" ? "changes_requested" : undefined;
}

function jsonOf(text: string): { verdict?: unknown; reasons?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a turn's receipt shows changed files: only those are reviewed. */
export function changedFiles(receipt: Receipt | undefined): boolean {
  return receipt !== undefined && (receipt.files.total.files > 0 || receipt.files.changed.length > 0);
}

/** `text` cut at `max` characters, marked when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
