// The files a worker's budget lives in: budget.json (raises, written by `subagent-mcp worker budget`)
// and status.json (what the worker last said about its spending, and whether it is paused).
import { readFileSync, watch, type FSWatcher } from "node:fs";
import { basename } from "node:path";
import { BudgetSchema, type Budget } from "@subagent-mcp/core";
import { workerLayout, writeAtomic } from "@subagent-mcp/state";
import { z } from "zod";
import { errorMessage } from "@subagent-mcp/errors";

/** `budget.json`: limits that win over the worker's flags, definition and config for each limit it names. */
const BudgetFileSchema = BudgetSchema.extend({ at: z.string().optional() });
type BudgetFile = z.infer<typeof BudgetFileSchema>;

/** What a worker has spent over its life (cost: the known part, turns without a price count 0). */
const WorkerSpentSchema = z.object({ costUsd: z.number(), tokens: z.number(), turns: z.number(), seconds: z.number() });
export type WorkerSpent = z.infer<typeof WorkerSpentSchema>;

/** `status.json`: the worker's budget as it applies, its spending, and why it is paused if it is. */
const WorkerStatusSchema = z.object({
  pid: z.number().int(),
  at: z.string(),
  budget: BudgetSchema.optional(),
  spent: WorkerSpentSchema,
  paused: z.object({ reason: z.string(), at: z.string() }).optional(),
});
export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

/** The budget file in `dir`: undefined when there is none; a file that cannot be read throws (with what is wrong). */
export function readBudgetFile(dir: string): BudgetFile | undefined {
  let text: string;
  try {
    text = readFileSync(workerLayout(dir).budget, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = BudgetFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${workerLayout(dir).budget}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** Raises (or sets) limits: the given ones replace those in the budget file, the others stay. Returns the file's new budget. */
export function writeBudgetFile(dir: string, raise: Budget): BudgetFile {
  let old: BudgetFile | undefined;
  try {
    old = readBudgetFile(dir);
  } catch {
    old = undefined; // an unreadable file is replaced
  }
  const next: BudgetFile = { ...old, ...raise, at: new Date().toISOString() };
  writeAtomic(workerLayout(dir).budget, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  return next;
}

/** The worker's last status, if it wrote one. */
export function readStatus(dir: string): WorkerStatus | undefined {
  try {
    const parsed = WorkerStatusSchema.safeParse(JSON.parse(readFileSync(workerLayout(dir).status, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeStatus(dir: string, status: WorkerStatus): void {
  writeAtomic(workerLayout(dir).status, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Resolves once `ready()` holds or `signal` aborts. It is asked again whenever the budget file in
 * `dir` changes (file-system events), and every `fallbackMs` for file systems without them.
 */
export function untilReady(dir: string, ready: () => boolean, signal: AbortSignal, fallbackMs = 60_000, onWatchError?: (why: string) => void): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    const done = (): void => {
      clearInterval(fallback);
      watcher?.close();
      signal.removeEventListener("abort", done);
      resolve();
    };
    const check = (): void => {
      if (ready()) done();
    };
    try {
      // The raise is written to a temporary name and renamed: the event names the final file.
      watcher = watch(dir, (_event, file) => {
        if (file === null || file === basename(workerLayout(dir).budget)) check();
      });
      watcher.on("error", (error) => onWatchError?.(errorMessage(error)));
    } catch (error) {
      onWatchError?.(errorMessage(error));
    }
    const fallback = setInterval(check, fallbackMs);
    signal.addEventListener("abort", done, { once: true });
    // A raise written before the watch began is seen here.
    check();
  });
}
