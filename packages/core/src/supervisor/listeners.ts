/**
 * Listeners of one kind of news. A listener that throws is skipped: a journal's or a publisher's
 * failure must never break the agents they follow.
 */
export class Listeners<T> {
  readonly #all = new Set<(news: T) => void>();

  /** Adds `listener`; returns its removal. */
  add(listener: (news: T) => void): () => void {
    this.#all.add(listener);
    return () => this.#all.delete(listener);
  }

  /** Whether anyone listens (so that news nobody hears need not be made). */
  get any(): boolean {
    return this.#all.size > 0;
  }

  tell(news: T): void {
    for (const listener of this.#all) {
      try {
        listener(news);
      } catch {
        // see the class comment
      }
    }
  }
}
