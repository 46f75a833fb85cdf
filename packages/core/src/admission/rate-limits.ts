import type { AgentEvent, RateLimitStatus } from "../driver/events.js";
import type { Provider } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

type RateLimitEvent = Extract<AgentEvent, { type: "rate_limit" }>;

/** A provider's rate-limit window as its CLI last reported it. */
export interface RateWindow {
  window: string;
  status: RateLimitStatus;
  usedPercent?: number;
  /** Epoch ms. */
  resetsAt?: number;
  /** When it was reported, epoch ms. */
  at: number;
}

/** A window reported without a reset time is believed this long (a quota error says nothing more). */
const UNDATED_WINDOW_MS = 15 * 60_000;

const SEVERITY: Record<RateLimitStatus, number> = { ok: 0, warning: 1, exhausted: 2 };

/**
 * The latest report of each provider's rate-limit windows, whichever agent's CLI made it: they are
 * the account's, shared by every session on that provider. Bounded by providers × windows.
 */
export class RateLimits {
  readonly #byProvider = new Map<Provider, Map<string, RateWindow>>();

  note(provider: Provider, event: RateLimitEvent, at: number): void {
    this.set(provider, {
      window: event.window,
      status: event.status,
      at,
      ...definedFields({ usedPercent: event.usedPercent, resetsAt: event.resetsAt }),
    });
  }

  /** Keeps `w` as `provider`'s latest word on its window (a newer report of the same window replaces an older one). */
  set(provider: Provider, w: RateWindow): void {
    let windows = this.#byProvider.get(provider);
    if (windows === undefined) this.#byProvider.set(provider, (windows = new Map<string, RateWindow>()));
    const known = windows.get(w.window);
    if (known !== undefined && known.at > w.at) return;
    // A CLI may name many windows; a provider keeps at most a few dozen.
    if (known === undefined && windows.size >= 32) return;
    windows.set(w.window, w);
  }

  /** Every window of every provider, still in force at `now` (what a file shared by servers holds). */
  snapshot(now: number): Record<Provider, RateWindow[]> {
    const out: Record<Provider, RateWindow[]> = {};
    for (const [provider, windows] of this.#byProvider) {
      const live = [...windows.values()].filter((w) => !over(w, now));
      if (live.length > 0) out[provider] = live;
    }
    return out;
  }

  /** Every window of `provider` still in force at `now` (`usage --quota`, and `quota_percent`'s hold). */
  windows(provider: Provider, now: number): RateWindow[] {
    return [...(this.#byProvider.get(provider)?.values() ?? [])].filter((w) => !over(w, now));
  }

  /** The tightest window of `provider` still in force at `now` (spent before nearly spent before ok, then the most used); undefined when none is known. */
  tightest(provider: Provider, now: number): RateWindow | undefined {
    let worst: RateWindow | undefined;
    for (const w of this.#byProvider.get(provider)?.values() ?? []) {
      if (over(w, now)) continue;
      if (
        worst === undefined ||
        SEVERITY[w.status] - SEVERITY[worst.status] > 0 ||
        (w.status === worst.status && (w.usedPercent ?? 0) > (worst.usedPercent ?? 0))
      )
        worst = w;
    }
    return worst;
  }
}

// A window whose reset has passed, or one without a reset time told long enough ago.
function over(w: RateWindow, now: number): boolean {
  return w.resetsAt !== undefined ? w.resetsAt <= now : now - w.at > UNDATED_WINDOW_MS;
}
