import { SlotQueue } from "@subagent-mcp/core";
import type { Command, Report } from "../protocol/protocol.js";

type Launch = Extract<Command, { kind: "launch" }>;
type Steer = Exclude<Command, { kind: "launch" | "stop" }>;
interface Waiting {
  launch: Launch;
  /** The steering that came for it meanwhile, run once it started. */
  held: Steer[];
  /** The place in line it was last told. */
  told: number;
}

/** Most launches a full node keeps waiting for a slot; past it a launch is refused with NO_SLOT. */
export const MAX_QUEUED = 32;

/**
 * Launches that found no free slot on the node, waiting in arrival order (at most MAX_QUEUED),
 * each with the steering that came for it meanwhile: a send right after a launch is not lost, it
 * goes to the agent once it started. A close or kill takes a launch out of the queue.
 */
export class LaunchQueue {
  // Core's line discipline: each provider's line first come first served, positions within it.
  readonly #waiting = new SlotQueue<Waiting>((w) => w.launch.provider);

  /** Whether a launch of `provider` must wait: others of its provider wait, or it has no free slot. */
  mustWait(provider: string, free: number): boolean {
    return this.#waiting.mustWait(provider, () => free > 0);
  }

  /** The owners of the waiting launches. */
  owners(): string[] {
    return this.#waiting.items().map((w) => w.launch.owner);
  }

  /** Queues a launch: its place (1 is next), or undefined when the queue is full. */
  add(launch: Launch): number | undefined {
    if (this.#waiting.size >= MAX_QUEUED) return undefined;
    const entry: Waiting = { launch, held: [], told: 0 };
    this.#waiting.push(entry);
    entry.told = this.#waiting.position(entry) ?? 0;
    return entry.told;
  }

  /** The waiting launches whose place moved up since they were last told it, with their new place (now told). */
  moved(): { launch: Launch; position: number }[] {
    const out: { launch: Launch; position: number }[] = [];
    for (const w of this.#waiting.items()) {
      const position = this.#waiting.position(w) ?? 0;
      if (position !== w.told) out.push({ launch: w.launch, position });
      w.told = position;
    }
    return out;
  }

  /**
   * A command for an agent that may be waiting: "held" when kept for it, its launch when a close or
   * kill took it out (it never ran), undefined when it is not waiting here.
   */
  steer(command: Steer): "held" | Launch | undefined {
    const entry = this.#waiting.items().find((w) => w.launch.agent === command.agent);
    if (entry === undefined) return undefined;
    if (command.kind !== "close" && command.kind !== "kill") {
      entry.held.push(command);
      return "held";
    }
    this.#waiting.remove(entry);
    return entry.launch;
  }

  /** The waiting launches that may start now, in order, given each provider's free slots; taken out of the queue. */
  take(free: (provider: string) => number): { launch: Launch; held: Steer[] }[] {
    const left = new Map<string, number>();
    const out: Waiting[] = [];
    for (const entry of [...this.#waiting.items()]) {
      const { provider } = entry.launch;
      const n = left.get(provider) ?? free(provider);
      if (n <= 0) continue;
      left.set(provider, n - 1);
      out.push(entry);
      this.#waiting.remove(entry);
    }
    return out;
  }

  /** Takes out the waiting launches `which` picks (their owner went away, the node closes). */
  drop(which: (launch: Launch) => boolean): Launch[] {
    const out = this.#waiting.items().filter((w) => which(w.launch));
    for (const w of out) this.#waiting.remove(w);
    return out.map((w) => w.launch);
  }
}

/** What the queue's dispatch needs of the node. */
export interface QueueingOptions {
  name: string;
  /** Free slots of a provider now. */
  free: (provider: string) => number;
  /** Runs a launch (which refuses what it must: unknown provider, ceiling, NO_SLOT). */
  launch: (launch: Launch) => void;
  steer: (command: Steer) => Promise<void>;
  report: (owner: string, body: Report) => void;
  log: (line: string) => void;
}

/**
 * The node's dispatch of commands through its launch queue: a launch that finds no free slot (or
 * others of its provider waiting) is queued and reported as queued, and starts when `drain` finds a
 * slot free; a close or kill of a queued one ends it there (an exit, it never ran).
 */
export function queueing(options: QueueingOptions): {
  run: (command: Launch | Steer) => void;
  drain: () => void;
  /** Takes out the launches of owners that went away, or all (the node closes: each is told its exit). */
  drop: (owners: Set<string> | "all") => void;
  /** The owners of the waiting launches (the sweep judges them too). */
  owners: () => string[];
  /** Takes out the launches `which` picks as the user's stop: each owner is told so, then its exit. */
  stop: (which: (launch: Launch) => boolean) => Launch[];
} {
  const { name, log, report } = options;
  const queue = new LaunchQueue();
  const exit = (launch: Launch): void => {
    report(launch.owner, { kind: "event", agent: launch.agent, node: name, event: { type: "exit", code: null, signal: null } });
  };
  const run = (command: Launch | Steer): void => {
    if (command.kind !== "launch") {
      const waiting = queue.steer(command);
      if (waiting === undefined)
        void options.steer(command).catch((error: unknown) => {
          log(`${command.agent}: ${command.kind} failed: ${String(error)}`);
        });
      else if (waiting !== "held") {
        log(`${command.agent}: taken out of the queue (${command.kind})`);
        exit(waiting);
      }
      return;
    }
    const { agent, owner, provider } = command;
    const position = queue.mustWait(provider, options.free(provider)) ? queue.add(command) : 0;
    // A free slot (0), or the queue is full (the launch refuses it: NO_SLOT).
    if (position === 0 || position === undefined) {
      options.launch(command);
      return;
    }
    report(owner, { kind: "queued", agent, node: name, position });
    log(`${agent}: queued for a ${provider} slot (${String(position)} waiting)`);
  };
  const drain = (): void => {
    for (const { launch, held } of queue.take(options.free)) {
      log(`${launch.agent}: a ${launch.provider} slot is free: starting it`);
      options.launch(launch);
      for (const command of held) run(command);
    }
    // Those still waiting are told their new place in line.
    for (const { launch, position } of queue.moved()) report(launch.owner, { kind: "queued", agent: launch.agent, node: name, position });
  };
  const drop = (owners: Set<string> | "all"): void => {
    for (const launch of queue.drop((l) => owners === "all" || owners.has(l.owner))) {
      log(`${launch.agent}: taken out of the queue (${owners === "all" ? "the node closes" : `its orchestrator ${launch.owner} went away`})`);
      exit(launch);
    }
  };
  const stop = (which: (launch: Launch) => boolean): Launch[] => {
    const out = queue.drop(which);
    for (const launch of out) {
      log(`${launch.agent}: taken out of the queue (the user's stop)`);
      report(launch.owner, { kind: "stopped", agent: launch.agent, node: name, by: "user" });
      exit(launch);
    }
    return out;
  };
  return { run, drain, drop, owners: () => queue.owners(), stop };
}
