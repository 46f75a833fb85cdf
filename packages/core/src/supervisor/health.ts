import type { Clock } from "./clock.js";

/**
 * The health tick: a stalled CLI sends no event, so only a timer can notice it. It runs `check`
 * every quarter of the stall window (10 ms to 5 s), which marks a stall at most a quarter late.
 */
export class HealthTick {
  readonly #clock: Clock;
  readonly #every: number;
  readonly #check: () => void;
  #handle: unknown;
  #stopped = false;

  constructor(clock: Clock, stallMs: number, check: () => void) {
    this.#clock = clock;
    this.#every = Math.max(10, Math.min(5_000, Math.floor(stallMs / 4)));
    this.#check = check;
    this.#schedule();
  }

  /** No more ticks. */
  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#handle);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#handle = this.#clock.setTimeout(() => {
      this.#check();
      this.#schedule();
    }, this.#every);
  }
}
