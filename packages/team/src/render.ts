import type { Board, Task } from "@subagent-mcp/board";
import { summary } from "@subagent-mcp/board";
import { receiptLine, ReceiptSchema } from "@subagent-mcp/contract";
import { clip } from "./answer.js";

// How a board reads in a tool's answer: one line per task, its state first; the structured content
// carries the same with results cut to a bound, so that a board of 1,000 tasks fits an answer.

export interface TaskOut {
  key: string;
  title: string;
  status: string;
  category?: string;
  depends_on?: string[];
  by?: string;
  since?: string;
  reviewer?: string;
  result?: string;
  receipt?: string;
  reason?: string;
  tries: number;
  sent_back?: { by: string; reasons: string[] };
}

/** A task as the orchestrator sees it; results and reasons cut to `room` characters. */
export function taskOut(task: Task, room: number): TaskOut {
  const s = task.state;
  const out: TaskOut = { key: task.key, title: task.title, status: s.status, tries: task.tries };
  if (task.category !== undefined) out.category = task.category;
  if (task.depends_on !== undefined && task.depends_on.length > 0) out.depends_on = [...task.depends_on];
  if (s.status === "claimed") Object.assign(out, { by: s.by, since: new Date(s.at).toISOString() });
  if (s.status === "in_review" || s.status === "done") {
    Object.assign(out, { by: s.by, since: new Date(s.at).toISOString(), result: clip(s.result, room) });
    const line = receiptText(s.receipt);
    if (line !== undefined) out.receipt = line;
  }
  if (s.status === "in_review" && s.reviewer !== undefined) out.reviewer = s.reviewer;
  if (s.status === "failed") out.reason = clip(s.reason, room);
  if (task.sent_back !== undefined) out.sent_back = { by: task.sent_back.by, reasons: task.sent_back.reasons.map((r) => clip(r, room)) };
  return out;
}

/** One line of a task for a model to read. */
export function taskLine(t: TaskOut): string {
  const who = t.by === undefined ? "" : ` by ${t.by}`;
  const deps = t.depends_on === undefined ? "" : ` (after ${t.depends_on.join(", ")})`;
  const more = [
    t.result === undefined ? "" : ` result: ${t.result}`,
    t.receipt === undefined ? "" : ` [${t.receipt}]`,
    t.reason === undefined ? "" : ` reason: ${t.reason}`,
    t.sent_back === undefined ? "" : ` sent back by ${t.sent_back.by}: ${t.sent_back.reasons.join("; ")}`,
  ].join("");
  return `- ${t.key} [${t.status}${who}]${deps}: ${t.title}${more}`;
}

/** The board's counts in a line. */
export function countsLine(name: string, board: Board): string {
  const s = summary(board);
  const parts = Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  const stuck = s.stuck.length === 0 ? "" : `; stuck behind a failed or cancelled task: ${s.stuck.join(", ")}`;
  return `Board "${name}": ${s.total} task(s)${parts.length > 0 ? ` (${parts.join(", ")})` : ""}${s.all_done ? "; all done" : ""}${stuck}.`;
}

/** A receipt's first line, when `receipt` is one. */
export function receiptText(receipt: unknown): string | undefined {
  const parsed = ReceiptSchema.safeParse(receipt);
  return parsed.success ? receiptLine(parsed.data) : undefined;
}
