// The page cannot import contract's `receiptLine`: an agent's detail carries each turn's line with it.
import { receiptLine, ReceiptSchema } from "@subagent-mcp/contract";

/** The receipt line of each turn of `transcript` (a transcript result, as a server or the journal gave it) that kept a receipt, by turn number. */
export function receiptLines(transcript: unknown): Record<string, string> {
  const lines: Record<string, string> = {};
  const turns = (transcript as { turns?: unknown } | null | undefined)?.turns;
  if (!Array.isArray(turns)) return lines;
  for (const t of turns as { turn?: unknown; receipt?: unknown }[]) {
    if (t.receipt === undefined) continue;
    // A server of another version may send a receipt of another shape: that turn shows none.
    const parsed = ReceiptSchema.safeParse(t.receipt);
    if (parsed.success) lines[String(t.turn)] = receiptLine(parsed.data);
  }
  return lines;
}
