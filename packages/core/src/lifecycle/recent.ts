import type { AgentEvent } from "../driver/events.js";

/** One visible thing an agent did, summarized for `poll_agent`'s `recent` list. */
export interface RecentItem {
  kind: "text" | "tool" | "tool_result" | "turn_end" | "error";
  summary: string;
  at: number;
}

const MAX_SUMMARY = 500;

/**
 * Keeps the last `size` visible items. Consecutive text deltas are merged into one item, so a
 * streamed paragraph counts once rather than as hundreds of fragments.
 */
export class RecentItems {
  #items: RecentItem[] = [];
  constructor(readonly size = 10) {}

  /** Records a driver event if it is visible; other events are ignored. */
  add(event: AgentEvent, at: number): void {
    const item = summarize(event, at);
    if (item === undefined) return;
    const last = this.#items.at(-1);
    if (item.kind === "text" && last?.kind === "text") {
      if (last.summary.length < MAX_SUMMARY) last.summary = (last.summary + item.summary).slice(0, MAX_SUMMARY);
      last.at = at;
      return;
    }
    this.#items.push(item);
    if (this.#items.length > this.size) this.#items.shift();
  }

  /** The last `count` items, oldest first (copies: callers can't change the record). */
  last(count: number = this.size): RecentItem[] {
    return this.#items.slice(-count).map((item) => ({ ...item }));
  }
}

function summarize(event: AgentEvent, at: number): RecentItem | undefined {
  switch (event.type) {
    case "text":
      return { kind: "text", summary: event.delta.slice(0, MAX_SUMMARY), at };
    case "tool": {
      // JSON.stringify(undefined) is undefined, whatever its declared type says.
      const input = event.input === undefined ? "" : JSON.stringify(event.input);
      return { kind: "tool", summary: `${event.name} ${clip(input)}`, at };
    }
    case "tool_result":
      return { kind: "tool_result", summary: `${event.name} ${event.ok ? "ok" : "failed"}`, at };
    case "turn_end":
      return { kind: "turn_end", summary: clip(event.result), at };
    case "error":
      return { kind: "error", summary: clip(event.message), at };
    case "started":
    case "exit":
    case "permission_request":
    case "permission_withdrawn":
    case "rate_limit":
    case "mcp_status":
    case "queued":
    case "admitted":
      return undefined;
  }
}

function clip(text: string): string {
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}
