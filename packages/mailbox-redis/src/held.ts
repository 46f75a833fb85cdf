/**
 * The claims one reader holds, per mailbox (message id -> stream entry id), kept fresh: every
 * idleMs/3 `touch` resets their idle time in Redis, so that recover (here or on another machine)
 * never takes a claim from a reader that is alive and working, however long its turn. No timer runs
 * until something is held; idleMs 0 (every claim is fair game) keeps nothing.
 */
export class HeldClaims {
  readonly #held = new Map<string, Map<string, string>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly idleMs: number,
    private readonly touch: (name: string, sids: string[]) => Promise<unknown>,
  ) {}

  hold(name: string, taken: { sid: string; id: string }[]): void {
    if (taken.length === 0 || this.idleMs <= 0) return;
    const mine = this.#held.get(name) ?? new Map<string, string>();
    for (const { sid, id } of taken) mine.set(id, sid);
    this.#held.set(name, mine);
    this.#timer ??= setInterval(() => void this.#refresh(), Math.max(100, Math.floor(this.idleMs / 3))).unref();
  }

  letGo(name: string, id: string): void {
    this.#held.get(name)?.delete(id);
  }

  async #refresh(): Promise<void> {
    for (const [name, mine] of this.#held) {
      if (mine.size === 0) {
        this.#held.delete(name);
        continue;
      }
      // Out of reach now: the next round tries again; a claim left idle too long may be requeued meanwhile (at-least-once).
      await this.touch(name, [...mine.values()]).catch(() => undefined);
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
