// The page cannot import contract's `receiptLine`: an agent's detail carries each turn's line with it.
import { receiptLine, ReceiptSchema } from "@subagent-mcp/contract";

/**
 * The receipt line of each turn of `transcript` (a transcript result, as a server or the journal gave
 * it) that kept a receipt, by turn number; and of the last turn of `poll` (poll_agent's
 * `last_receipt`, the one a server without a journal has).
 */
export function receiptLines(transcript: unknown, poll?: unknown): Record<string, string> {
  const lines: Record<string, string> = {};
  const turns = (transcript as { turns?: unknown } | null | undefined)?.turns;
  const all: { turn?: unknown; receipt?: unknown }[] = Array.isArray(turns) ? [...(turns as { turn?: unknown; receipt?: unknown }[])] : [];
  const last = poll as { turns?: unknown; last_receipt?: unknown } | null | undefined;
  if (typeof last?.turns === "number") all.push({ turn: last.turns, receipt: last.last_receipt });
  for (const t of all) {
    if (t.receipt === undefined || lines[String(t.turn)] !== undefined) continue;
    // A server of another version may send a receipt of another shape: that turn shows none.
    const parsed = ReceiptSchema.safeParse(t.receipt);
    if (parsed.success) lines[String(t.turn)] = receiptLine(parsed.data);
  }
  return lines;
}
