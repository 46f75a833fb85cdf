// The subscription windows the page shows: what any server's CLIs last reported, read from the
// state folder's rate-limits file (written by every server; see @subagent-mcp/usage's SharedHeadroom).
import { readFileSync } from "node:fs";
import { stateLayout } from "@subagent-mcp/state";
import type { QuotaWindowView } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract";
import { z } from "zod";

const FileSchema = z.record(
  z.string(),
  z.array(z.object({ window: z.string(), status: z.string(), usedPercent: z.number().optional(), resetsAt: z.number().optional(), at: z.number() })),
);

/** As long as a window reported without a reset time is believed (as routing believes it). */
const UNDATED_WINDOW_MS = 15 * 60_000;

/** Every window still in force at `now`, by provider then window; none when the file is absent or unreadable. */
export function quotaNow(stateDir: string, now: number = Date.now()): QuotaWindowView[] {
  let parsed: z.infer<typeof FileSchema>;
  try {
    parsed = FileSchema.parse(JSON.parse(readFileSync(stateLayout(stateDir).rateLimits, "utf8")));
  } catch {
    return [];
  }
  return Object.entries(parsed)
    .flatMap(([provider, windows]) =>
      windows
        .filter((w) => (w.resetsAt === undefined ? now - w.at <= UNDATED_WINDOW_MS : w.resetsAt > now))
        .map((w) => ({
          provider,
          window: w.window,
          status: w.status,
          ...definedFields({ used_percent: w.usedPercent, resets_at: w.resetsAt === undefined ? undefined : new Date(w.resetsAt).toISOString() }),
        })),
    )
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.window.localeCompare(b.window));
}
