// Agents' summaries kept between listings: listing 10,000 past agents read each one's journal ends
// (a few files opened, a tail parsed) on every call. A summary is read again only when its journal's
// newest file changed (every change of an agent, its owner's included, appends an entry there) or
// its server's liveness did; otherwise a listing costs a stat per agent.
import { statSync } from "node:fs";
import { join } from "node:path";
import type { AgentSummary } from "./list.js";
import { JOURNAL_FILE } from "./owner.js";
import { isAlive as pidAlive } from "@subagent-mcp/state";

interface Kept {
  stamp: string;
  summary: AgentSummary;
}

/** A summary per agent directory, valid while its journal file's identity, size and mtime stay. */
export class SummaryCache {
  readonly #kept = new Map<string, Kept>();

  /** Summaries of one listing of `dir`: `read` is called for those not kept or stale; ids gone are forgotten. */
  listing(dir: string, names: readonly string[], read: (name: string) => AgentSummary | undefined): (AgentSummary | undefined)[] {
    // One liveness check per server per listing, not per agent.
    const alive = new Map<number, boolean>();
    const isAlive = (pid: number): boolean => alive.get(pid) ?? alive.set(pid, pidAlive(pid)).get(pid) ?? false;
    const out = names.map((name) => {
      const key = join(dir, name);
      const stamp = stampOf(join(key, JOURNAL_FILE));
      const kept = this.#kept.get(key);
      if (stamp !== undefined && kept?.stamp === stamp && (kept.summary.owner === undefined || isAlive(kept.summary.owner.pid) === kept.summary.owner_alive))
        return kept.summary;
      const summary = read(name);
      if (stamp === undefined || summary === undefined) this.#kept.delete(key);
      else this.#kept.set(key, { stamp, summary });
      return summary;
    });
    const seen = new Set(names.map((n) => join(dir, n)));
    for (const key of this.#kept.keys()) if (key.startsWith(join(dir, "/")) && !seen.has(key)) this.#kept.delete(key);
    return out;
  }
}

/** What tells an agent's journal changed: its newest file's identity, size and mtime (undefined when it has none). */
export function journalStamp(dir: string, agentId: string): string | undefined {
  return stampOf(join(dir, agentId, JOURNAL_FILE));
}

function stampOf(file: string): string | undefined {
  try {
    const s = statSync(file, { bigint: true });
    return `${String(s.ino)}:${String(s.size)}:${String(s.mtimeNs)}`;
  } catch {
    return undefined;
  }
}
