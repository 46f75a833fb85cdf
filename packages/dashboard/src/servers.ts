// The project's running servers: one link each, made when its registry file appears and closed
// when the file goes (or its process dies).
import { resolve, sep } from "node:path";
import { ServerLink } from "./link.js";
import { readServerRecords } from "@subagent-mcp/state/server-records";

/** How long a state waits for a new server's first snapshot before showing it as not (yet) reachable. */
const FIRST_SNAPSHOT_MS = 5_000;

/** The live servers of one project. */
export class ServerSet {
  readonly #links = new Map<number, ServerLink>();
  readonly #project: string;
  #closed = false;

  constructor(
    private readonly stateDir: string,
    project: string,
    /** Called when a server came, went, or its snapshot changed. */
    private readonly onChange: () => void,
  ) {
    this.#project = resolve(project);
  }

  /** Reads the registry again; true when a server came or went. */
  sync(): boolean {
    if (this.#closed) return false;
    // The project's servers: started at its root or in a folder below it.
    const records = readServerRecords(this.stateDir).filter((r) => {
      const cwd = resolve(r.cwd);
      return cwd === this.#project || cwd.startsWith(`${this.#project}${sep}`);
    });
    const seen = new Set<number>();
    let changed = false;
    for (const record of records) {
      seen.add(record.pid);
      const link = this.#links.get(record.pid);
      if (link !== undefined && link.record.control === record.control) {
        if (JSON.stringify(link.record.sandbox) !== JSON.stringify(record.sandbox)) {
          link.record = record;
          void link.refresh();
        }
        continue;
      }
      void link?.close();
      this.#links.set(
        record.pid,
        new ServerLink(record, () => {
          this.onChange();
        }),
      );
      changed = true;
    }
    for (const [pid, link] of this.#links)
      if (!seen.has(pid)) {
        this.#links.delete(pid);
        void link.close();
        changed = true;
      }
    return changed;
  }

  /** The links, oldest server first. */
  links(): ServerLink[] {
    return [...this.#links.values()].sort((a, b) => a.record.started_at.localeCompare(b.record.started_at) || a.record.pid - b.record.pid);
  }

  get(pid: number): ServerLink | undefined {
    return this.#links.get(pid);
  }

  /** The links once each has its first snapshot (or after {@link FIRST_SNAPSHOT_MS}). */
  async ready(): Promise<ServerLink[]> {
    const links = this.links();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((done) => {
      timer = setTimeout(done, FIRST_SNAPSHOT_MS);
    });
    await Promise.race([Promise.all(links.map((l) => l.ready())), late]);
    clearTimeout(timer);
    return links;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const links = [...this.#links.values()];
    this.#links.clear();
    await Promise.all(links.map((l) => l.close()));
  }
}
