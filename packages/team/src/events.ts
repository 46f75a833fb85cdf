import type { Board, BoardChanges } from "@subagent-mcp/board";
import type { BoardEvent } from "@subagent-mcp/contract";

// What the orchestrator hears of its boards: each change once, in order, through `wait`. The log is
// bounded (a board of 1,000 tasks makes a few thousand events at most; past the bound the oldest
// unreported go: a wait that was not called for that long reads the board itself).

const MAX_EVENTS = 5_000;

export class BoardEvents {
  #events: BoardEvent[] = [];
  readonly #wakers = new Set<() => void>();
  readonly #listeners = new Set<(event: BoardEvent) => void>();

  /** Calls `listener` with every event from now on (a launch_team task following its board); returns the unsubscribe. */
  listen(listener: (event: BoardEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Records what `changes` says happened on `board` (after: the board as it is now). */
  record(board: string, changed: BoardChanges, after: Board): void {
    const reasonsOf = (key: string): string | undefined => {
      const task = after.tasks.find((t) => t.key === key);
      return task?.sent_back === undefined ? undefined : `by ${task.sent_back.by}: ${task.sent_back.reasons.join("; ")}`;
    };
    const reasonOf = (key: string): string | undefined => {
      const s = after.tasks.find((t) => t.key === key)?.state;
      return s?.status === "failed" ? s.reason : undefined;
    };
    for (const key of changed.sent_back) this.push({ board, kind: "sent_back", keys: [key], ...detail(reasonsOf(key)) });
    for (const key of changed.failed) this.push({ board, kind: "failed", keys: [key], ...detail(reasonOf(key)) });
    if (changed.in_review.length > 0) this.push({ board, kind: "in_review", keys: [...changed.in_review] });
    if (changed.done.length > 0) this.push({ board, kind: "done", keys: [...changed.done] });
    if (changed.became_all_done) this.push({ board, kind: "all_done", keys: [], detail: `all ${after.tasks.length} task(s) are done or cancelled` });
  }

  push(event: BoardEvent): void {
    this.#events.push(event);
    if (this.#events.length > MAX_EVENTS) this.#events.shift();
    for (const listener of [...this.#listeners]) listener(event);
    for (const wake of [...this.#wakers]) wake();
  }

  /** The events not reported yet, now reported; empty when none. */
  take(): BoardEvent[] {
    const out = this.#events;
    this.#events = [];
    return out;
  }

  /** Resolves once an event is waiting (at once if one is), or when `signal` aborts. */
  next(signal: AbortSignal): Promise<void> {
    if (this.#events.length > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#wakers.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#wakers.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

const detail = (text: string | undefined): { detail?: string } => (text === undefined ? {} : { detail: text.slice(0, 2_000) });
