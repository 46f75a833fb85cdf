import { UsageError } from "./errors.js";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "24h", "7d", "30m", "2w" (back from `now`) or an ISO date/time; INVALID_SINCE otherwise. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const relative = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value.trim());
  if (relative !== null) return new Date(now.getTime() - Number(relative[1]) * (UNITS[relative[2] as string] ?? 0));
  const at = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(at)) return new Date(at);
  throw new UsageError("INVALID_SINCE", `since must be a duration like "24h" or "7d", or an ISO date like "2026-01-31" (got "${value}")`);
}
