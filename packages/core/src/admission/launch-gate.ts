/**
 * Holds the CLI starts of new agents while calls that launch agents are being answered. Spawning a
 * CLI (and loading its driver, the first time) holds the thread for several milliseconds, and a
 * launch call awaits on its way (the journal, the sub-agent's endpoint): a host's burst of
 * launch_agent calls (three at once) would otherwise see the second and third answered only after
 * the first one's spawn. So the starts run once no such call has been open for `quietMs` (a host's
 * parallel calls reach us within a few milliseconds of each other, not always in one read), and at
 * the latest `maxWaitMs` after the first was held, so that a steady stream of launches never
 * starves them.
 */
export class LaunchGate {
  #open = 0;
  #held: (() => void)[] = [];
  #deadline: NodeJS.Timeout | undefined;
  #quiet: NodeJS.Timeout | undefined;

  constructor(
    private readonly quietMs = 5,
    private readonly maxWaitMs = 50,
  ) {}

  /** A launching call begins; the function it returns ends it (call it once, when answered). */
  enter(): () => void {
    this.#open += 1;
    clearTimeout(this.#quiet);
    this.#quiet = undefined;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#open -= 1;
      this.#soon();
    };
  }

  /** Runs `start` once the gate is clear (see the class). For SupervisorOptions.schedule. */
  readonly schedule = (start: () => void): void => {
    this.#held.push(start);
    this.#deadline ??= setTimeout(() => {
      this.#run();
    }, this.maxWaitMs);
    this.#soon();
  };

  #soon(): void {
    if (this.#open > 0 || this.#held.length === 0) return;
    clearTimeout(this.#quiet);
    this.#quiet = setTimeout(() => {
      this.#quiet = undefined;
      if (this.#open === 0) this.#run();
    }, this.quietMs);
  }

  #run(): void {
    clearTimeout(this.#deadline);
    clearTimeout(this.#quiet);
    this.#deadline = undefined;
    this.#quiet = undefined;
    const due = this.#held;
    this.#held = [];
    for (const start of due) start();
  }
}

/** Runs the body of a call that starts agents with `gate` entered, until it has its answer. */
export async function gated<T>(gate: LaunchGate, body: () => Promise<T>): Promise<T> {
  const leave = gate.enter();
  try {
    return await body();
  } finally {
    leave();
  }
}
