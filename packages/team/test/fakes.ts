import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLocalBoard, type BoardOptionsInput, type BoardTurn } from "@subagent-mcp/board";
import type { AgentStatus, Receipt } from "@subagent-mcp/contract";
import type { AgentChange, AgentView, TurnReport } from "@subagent-mcp/core";
import { TeamHub, type BoardSource } from "../src/hub.js";
import { turnsWritten } from "./turn-signal.js";

// A supervisor the test drives by hand: it ends turns, ends agents and changes their status when
// told, and records what the hub asks of it (sends and kills). The hub uses six of the real
// supervisor's methods; this has exactly those, with the same shapes.

interface FakeAgent {
  status: AgentStatus;
  alive: boolean;
  turns: number;
}

export class FakeSupervisor {
  readonly sends: { id: string; text: string }[] = [];
  readonly kills: string[] = [];
  readonly #agents = new Map<string, FakeAgent>();
  readonly #turnListeners = new Set<(report: TurnReport) => void>();
  readonly #endListeners = new Set<(view: AgentView) => void>();
  readonly #changeListeners = new Set<(change: AgentChange) => void>();
  readonly #sendWaiters = new Set<(id: string) => void>();

  /** An agent whose first turn is under way (a member as launch_team leaves it). */
  add(id: string): void {
    this.#agents.set(id, { status: "processing", alive: true, turns: 0 });
  }

  onTurn(listener: (report: TurnReport) => void): () => void {
    this.#turnListeners.add(listener);
    return () => this.#turnListeners.delete(listener);
  }

  onEnd(listener: (view: AgentView) => void): () => void {
    this.#endListeners.add(listener);
    return () => this.#endListeners.delete(listener);
  }

  onChange(listener: (change: AgentChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  get(id: string): AgentView {
    const a = this.#agent(id);
    return { id, provider: "claude", model: "fake-model", status: a.status, alive: a.alive, turns: a.turns } as unknown as AgentView;
  }

  send(id: string, text: string): AgentView {
    const a = this.#agent(id);
    if (!a.alive) throw new Error(`${id} has ended`);
    this.sends.push({ id, text });
    a.status = "processing";
    for (const wake of [...this.#sendWaiters]) wake(id);
    return this.get(id);
  }

  // Async like the real one: an unknown id is a rejection, never a throw.
  kill(id: string): Promise<AgentView> {
    this.kills.push(id);
    return Promise.resolve().then(() => {
      const a = this.#agent(id);
      a.alive = false;
      a.status = "stopped";
      return this.get(id);
    });
  }

  /** The texts sent to `id` so far. */
  sentTo(id: string): string[] {
    return this.sends.filter((s) => s.id === id).map((s) => s.text);
  }

  /** Resolves at the next send to `id`. */
  nextSend(id: string): Promise<void> {
    return new Promise((resolve) => {
      const wake = (to: string): void => {
        if (to !== id) return;
        this.#sendWaiters.delete(wake);
        resolve();
      };
      this.#sendWaiters.add(wake);
    });
  }

  /**
   * Ends `id`'s turn with a report (a clean "finished" one unless `report` says otherwise), and
   * resolves once the hub has handled it: written the turn to the board and fed the member.
   */
  endTurn(id: string, report: Partial<TurnReport> = {}): Promise<void> {
    const a = this.#agent(id);
    a.turns += 1;
    a.status = report.status ?? "finished";
    if (a.status === "stopped") a.alive = false;
    const full: TurnReport = {
      agentId: id,
      status: a.status,
      turn: a.turns,
      result: "turn over",
      isError: false,
      interrupted: false,
      usage: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 },
      costUsd: undefined,
      durationMs: 1,
      ...report,
    };
    const handled = turnWritten(id, full.turn);
    for (const listener of this.#turnListeners) listener(full);
    return handled;
  }

  /** Ends `id`'s session (it is told to `onEnd` listeners). */
  end(id: string): void {
    const a = this.#agent(id);
    a.alive = false;
    a.status = "stopped";
    const view = this.get(id);
    for (const listener of this.#endListeners) listener(view);
  }

  /** Tells a status change of `id` (e.g. idle again after a turn). */
  change(id: string, status: AgentStatus): void {
    const a = this.#agent(id);
    a.status = status;
    for (const listener of this.#changeListeners) listener({ type: "status", agentId: id, status, alive: a.alive, at: Date.now() });
  }

  #agent(id: string): FakeAgent {
    const a = this.#agents.get(id);
    if (a === undefined) throw new Error(`no agent ${id}`);
    return a;
  }
}

/** Resolves once the turn `turn` of `member` is written and what the hub does after it has run. */
function turnWritten(member: string, turn: number): Promise<void> {
  return new Promise((resolve) => {
    const seen = (t: BoardTurn): void => {
      if (t.member !== member || t.turn !== turn) return;
      turnsWritten.off("turn", seen);
      // The hub's last steps after the write are microtasks: a macrotask later they have all run.
      setImmediate(resolve);
    };
    turnsWritten.on("turn", seen);
  });
}

/** A turn's receipt: one tool call, nothing suspect unless `suspect` is given. */
export function receipt(suspect?: Receipt["suspect"]): Receipt {
  return {
    ended: { how: "end_turn" },
    tools: { calls: 1, by_kind: {}, failed: 0 },
    commands: [],
    permissions: [],
    files: { source: "git", changed: [], total: { files: 1, added: 2, removed: 0 } },
    tests: { runs: 0, verdict: "none" },
    tokens: { input: 10, output: 5 },
    duration_ms: 1,
    ...(suspect === undefined ? {} : { suspect }),
  };
}

export interface Team {
  hub: TeamHub;
  supervisor: FakeSupervisor;
  root: string;
  close: () => Promise<void>;
}

/** A hub over local boards in a temporary folder, following a fake supervisor. */
export async function team(defaults: BoardOptionsInput = {}): Promise<Team> {
  const root = await mkdtemp(join(tmpdir(), "team-hub-"));
  const source = {
    open: (name: string, options?: BoardOptionsInput) => openLocalBoard(join(root, name), { options: { ...defaults, ...options } }),
    dir: (name: string) => join(root, name),
    // A board is made by its first open, which makes its folder.
    exists: (name: string) => Promise.resolve(existsSync(join(root, name))),
  } satisfies BoardSource;
  const hub = new TeamHub(source);
  const supervisor = new FakeSupervisor();
  hub.attach(supervisor);
  return {
    hub,
    supervisor,
    root,
    close: async () => {
      hub.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
