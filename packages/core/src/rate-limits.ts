import type { AgentEvent, Provider, RateLimitStatus } from "./events.js";

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
export const UNDATED_WINDOW_MS = 15 * 60_000;

const SEVERITY: Record<RateLimitStatus, number> = { ok: 0, warning: 1, exhausted: 2 };

/**
 * The latest report of each provider's rate-limit windows, whichever agent's CLI made it: they are
 * the account's, shared by every session on that provider. Bounded by providers × windows.
 */
export class RateLimits {
  readonly #byProvider = new Map<Provider, Map<string, RateWindow>>();

  note(provider: Provider, event: RateLimitEvent, at: number): void {
    let windows = this.#byProvider.get(provider);
    if (windows === undefined) this.#byProvider.set(provider, (windows = new Map<string, RateWindow>()));
    // A CLI may name many windows; a provider keeps at most a few dozen.
    if (!windows.has(event.window) && windows.size >= 32) return;
    windows.set(event.window, {
      window: event.window,
      status: event.status,
      at,
      ...(event.usedPercent === undefined ? {} : { usedPercent: event.usedPercent }),
      ...(event.resetsAt === undefined ? {} : { resetsAt: event.resetsAt }),
    });
  }

  /** The tightest window of `provider` still in force at `now` (spent before nearly spent before ok, then the most used); undefined when none is known. */
  tightest(provider: Provider, now: number): RateWindow | undefined {
    let worst: RateWindow | undefined;
    for (const w of this.#byProvider.get(provider)?.values() ?? []) {
      const over = w.resetsAt !== undefined ? w.resetsAt <= now : now - w.at > UNDATED_WINDOW_MS;
      if (over) continue;
      if (worst === undefined || SEVERITY[w.status] - SEVERITY[worst.status] > 0 || (w.status === worst.status && (w.usedPercent ?? 0) > (worst.usedPercent ?? 0)))
        worst = w;
    }
    return worst;
  }
}
