import { isRunning, type AgentView } from "@subagent-mcp/core";
import type { Pending } from "@subagent-mcp/hooks";
import { describeRequest } from "@subagent-mcp/permissions";

type PendingAgent = Pending["running"][number];
type PendingPermissionRequest = Pending["permission_requests"][number];

/** What the pending file says of one agent: running (and how), and the permission requests it waits on. */
interface Entry {
  id: string;
  createdAt: number;
  /** Ties of createdAt in the order the entries were made. */
  seq: number;
  running: PendingAgent | undefined;
  permissions: PendingPermissionRequest[];
}

/** The supervisor, as far as the pending file reads it. */
interface Agents {
  list(): AgentView[];
  get(id: string): AgentView;
}

/**
 * The pending file's lines, kept per agent: a publish reads again only the agents an event named
 * since the last one (one view each), not every agent of the server, so that with a hundred agents
 * an event costs what it changed, and the file what it lists. Agents with nothing to publish have
 * no entry.
 */
export class PendingEntries {
  readonly #entries = new Map<string, Entry>();
  readonly #touched = new Set<string>();
  #all = true;
  #seq = 0;

  constructor(private readonly agents: Agents) {}

  /** `id` changed (an event, a status, a turn, its end): read it again at the next refresh. */
  touch(id: string): void {
    this.#touched.add(id);
  }

  /** Everything is read again at the next refresh (the first one, or a change that names no agent). */
  touchAll(): void {
    this.#all = true;
  }

  /** Brings the entries of the agents touched since the last refresh (and of those waiting on a permission) up to date. */
  refresh(): void {
    if (this.#all) {
      this.#all = false;
      this.#touched.clear();
      this.#entries.clear();
      for (const view of this.agents.list()) this.#set(view);
      return;
    }
    // A request answered while others wait changes no status (no event names the agent): the few
    // agents with requests are read again each time.
    for (const e of this.#entries.values()) if (e.permissions.length > 0) this.#touched.add(e.id);
    for (const id of this.#touched) {
      let view: AgentView | undefined;
      try {
        view = this.agents.get(id);
      } catch {
        view = undefined; // freed: nothing of it to publish
      }
      if (view === undefined) this.#entries.delete(id);
      else this.#set(view);
    }
    this.#touched.clear();
  }

  /** Whether `id`'s turn is under way (whatever carries it), as of the last refresh. */
  busy(id: string): boolean {
    return this.#entries.get(id)?.running !== undefined;
  }

  /** The running agents, oldest launch first, but those `carried` (a delegation task tells the host of them). */
  running(carried: ReadonlySet<string>): PendingAgent[] {
    const out: PendingAgent[] = [];
    for (const e of this.#ordered()) if (e.running !== undefined && !carried.has(e.running.agent_id)) out.push(e.running);
    return out;
  }

  /** The permission requests waiting, agent by agent (oldest launch first), each agent's oldest first. */
  permissions(): PendingPermissionRequest[] {
    const out: PendingPermissionRequest[] = [];
    for (const e of this.#ordered()) out.push(...e.permissions);
    return out;
  }

  #set(view: AgentView): void {
    const running = isRunning(view.status);
    if (!running && view.permissions.length === 0) {
      this.#entries.delete(view.id);
      return;
    }
    const before = this.#entries.get(view.id);
    this.#entries.set(view.id, {
      id: view.id,
      createdAt: view.createdAt,
      seq: before?.seq ?? this.#seq++,
      running: running ? { agent_id: view.id, ...(view.label === undefined ? {} : { label: view.label }), status: view.status } : undefined,
      permissions: view.permissions.map((p) => ({ agent_id: view.id, request_id: p.request.requestId, summary: describeRequest(p.request) })),
    });
  }

  // The entries in launch order: as kept when they came in that order (the common case), else sorted.
  #ordered(): Iterable<Entry> {
    let last: Entry | undefined;
    for (const e of this.#entries.values()) {
      if (last !== undefined && byLaunch(last, e) > 0) return [...this.#entries.values()].sort(byLaunch);
      last = e;
    }
    return this.#entries.values();
  }
}

function byLaunch(a: Entry, b: Entry): number {
  return a.createdAt - b.createdAt || a.seq - b.seq;
}
