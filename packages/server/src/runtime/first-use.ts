/**
 * A part of the server made by the first call that needs it, then kept: what answering `initialize`
 * and `tools/list` does not need (the drivers, the pool, the sub-agents' endpoint) costs nothing
 * until then. A failed making is not kept, so the next call tries again.
 */
export class OnFirstUse<T> {
  #made: Promise<T> | undefined;

  constructor(private readonly make: () => Promise<T>) {}

  get(): Promise<T> {
    this.#made ??= this.make().catch((error: unknown) => {
      this.#made = undefined;
      throw error;
    });
    return this.#made;
  }

  /** What was made or is being made, if anything: for closing only what exists. */
  get started(): Promise<T> | undefined {
    return this.#made;
  }
}
