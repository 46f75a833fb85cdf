// The spend ledger's lines, all written by our processes: a finished turn (which replaces the
// reservation it ran on, if any), a turn reserved against the caps before it starts, and a
// reservation given back by a turn that never ran. A line that is none of them, or that no process of
// ours wrote (a time in the future, a negative cost), is a problem: never counted, always shown.
import { ProcessRefSchema } from "@subagent-mcp/state";
import { z } from "zod";

/** One finished turn as the ledger keeps it. */
export const SpendEntrySchema = z.object({
  at: z.string(),
  provider: z.string().min(1),
  model: z.string().optional(),
  /** Unknown (no price, no reported cost): counts as a turn, not in dollars. */
  cost_usd: z.number().nonnegative("a negative cost").optional(),
  agent: z.string().optional(),
});
export type SpendEntry = z.infer<typeof SpendEntrySchema>;

/** A parsed entry with its time as epoch ms. */
export interface LedgerEntry extends SpendEntry {
  ms: number;
}

// A turn line may name the reservation it replaces.
const TurnLineSchema = SpendEntrySchema.extend({ reservation: z.string().min(1).optional() });

/** A turn reserved before it starts: counted as a turn (and at its expected cost, when known) while its owner runs. */
const ReserveLineSchema = z.object({
  reserve: z.string().min(1),
  at: z.string(),
  provider: z.string().min(1),
  model: z.string().optional(),
  expected_usd: z.number().nonnegative("a negative cost").optional(),
  owner: ProcessRefSchema,
});
type ReserveLine = z.infer<typeof ReserveLineSchema>;

const ReleaseLineSchema = z.object({ release: z.string().min(1), at: z.string() });

/** A live reservation as a reader holds it. */
export interface Reservation extends ReserveLine {
  ms: number;
}

/** A line the ledger does not count, and why. */
export interface LedgerProblem {
  file: string;
  /** 1-based, in that file. */
  line: number;
  reason: string;
}

/** What one line says. */
type LedgerLine =
  | { kind: "turn"; entry: LedgerEntry; reservation: string | undefined }
  | { kind: "reserve"; reservation: Reservation }
  | { kind: "release"; id: string }
  | { kind: "problem"; reason: string };

/** How far ahead of the reader's clock a line may be dated (a clock stepped back since it was written). */
const FUTURE_SLACK_MS = 5 * 60_000;

/** Reads one line of the ledger as of `now`. */
export function parseLedgerLine(line: string, now: number): LedgerLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: "problem", reason: "not JSON" };
  }
  const kind = typeof json !== "object" || json === null ? "turn" : "reserve" in json ? "reserve" : "release" in json ? "release" : "turn";
  const parsed = (kind === "reserve" ? ReserveLineSchema : kind === "release" ? ReleaseLineSchema : TurnLineSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: "problem", reason: `not a ${kind} line: ${issue === undefined ? "invalid" : `${issue.path.join(".") || "line"}: ${issue.message}`}` };
  }
  const data = parsed.data as Record<string, unknown> & { at: string };
  const ms = Date.parse(data.at);
  if (!Number.isFinite(ms)) return { kind: "problem", reason: `not a time: ${JSON.stringify(data.at).slice(0, 40)}` };
  if (ms > now + FUTURE_SLACK_MS) return { kind: "problem", reason: `dated ${data.at}, in the future` };
  if (kind === "release") return { kind, id: (data as z.infer<typeof ReleaseLineSchema>).release };
  if (kind === "reserve") return { kind, reservation: { ...(data as ReserveLine), ms } };
  const { reservation, ...entry } = data as z.infer<typeof TurnLineSchema>;
  return { kind, entry: { ...entry, ms }, reservation };
}
