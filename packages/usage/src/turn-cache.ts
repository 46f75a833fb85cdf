// Agents' finished turns kept between usage readings: summing 10,000 past agents' usage streamed
// every journal on every call. An agent is read again only when its journal's newest file changed
// (every turn appends there); the others are replayed from here. Bounded: past MAX_TURNS kept
// turns, further agents are read each time as before.
import { journalStamp } from "@subagent-mcp/journal";
import type { TurnRecord } from "./turns.js";

/** Turns kept at most (about 200 bytes each). */
const MAX_TURNS = 200_000;

interface Kept {
  stamp: string;
  turns: TurnRecord[];
  skipped: number;
}

/** Per agent journal: its turns as last read, valid while its stamp holds. */
export class TurnCache {
  readonly #kept = new Map<string, Kept>();
  #turns = 0;

  /** The kept turns of `id`, when its journal has not changed since. */
  get(agentsDir: string, id: string): Omit<Kept, "stamp"> | undefined {
    const key = `${agentsDir}\n${id}`;
    const kept = this.#kept.get(key);
    if (kept === undefined) return undefined;
    if (kept.stamp === journalStamp(agentsDir, id)) return kept;
    this.#drop(key, kept);
    return undefined;
  }

  /** Keeps what was read of `id` (with the stamp its journal had before the read; none: not kept). */
  set(agentsDir: string, id: string, read: { turns: TurnRecord[]; skipped: number; stamp: string | undefined }): void {
    const key = `${agentsDir}\n${id}`;
    const old = this.#kept.get(key);
    if (old !== undefined) this.#drop(key, old);
    if (read.stamp === undefined || this.#turns + read.turns.length > MAX_TURNS) return;
    this.#kept.set(key, { stamp: read.stamp, turns: read.turns, skipped: read.skipped });
    this.#turns += read.turns.length;
  }

  #drop(key: string, kept: Kept): void {
    this.#kept.delete(key);
    this.#turns -= kept.turns.length;
  }
}
