import { cpus, hostname, loadavg } from "node:os";
import type { Driver } from "@subagent-mcp/core";
import type { WorktreeSettings } from "@subagent-mcp/worktrees";
import type { Redis } from "ioredis";
import { eventStream, NODES } from "../redis/keys.js";
import { acquireLease } from "../redis/lease.js";
import { keepAlive } from "./node-alive.js";
import { ensureGroup, readCommands } from "./node-commands.js";
import { OwnerWatch } from "./node-owners.js";
import { queueing } from "./node-queue.js";
import { Outbox } from "../redis/outbox.js";
import type { NodeCeiling } from "./node-ceiling.js";
import { NodeAgents, type NodeWitness } from "./node-agents.js";
import { NodeJournal, restoreLeftovers } from "./node-journal.js";
import { stopByUser } from "./node-stop.js";
import type { NodeInfo } from "@subagent-mcp/contract";
import type { Command, Report } from "../protocol/protocol.js";
import type { Signer } from "../protocol/sign.js";

export interface NodeOptions {
  redis: Redis;
  signer: Signer;
  name: string;
  /** The providers it lends, each with its driver, its CLI's version and its cap. */
  providers: Record<string, { driver: Driver; version: string; cap: number }>;
  ceiling: NodeCeiling;
  labels?: string[];
  /** Its own journal's folder: agents a crash cut off are resumed from it at start (none kept without it). */
  journalDir?: string;
  /** Where it makes the worktrees of launches that ask for one; without it such launches are refused. */
  worktrees?: WorktreeSettings;
  /** Reads each turn's files with git in its agent's folder here, for its orchestrator's receipt (see NodeWitness). */
  witness?: NodeWitness;
  /** One line per thing worth a log (stderr in the CLI). */
  log?: (line: string) => void;
}

/** A running node. */
export interface FleetNode {
  /** Its agents running now. */
  readonly running: number;
  /** Commands it refused as unsigned, forged, stale or replayed. */
  readonly refused: number;
  /** Ends its agents, takes it off the list of live machines and stops reading. */
  close(): Promise<void>;
  /** Settles once it closed: by close(), or by itself when another process took its name (then with the reason). */
  readonly done: Promise<string | undefined>;
}

/**
 * Lends this machine's CLIs to the fleet: reads its signed command stream (a consumer group, so a
 * command written while it was down is read when it is back), runs each launch through its own
 * drivers within its caps and ceiling, and writes every event of each agent, signed, to the event
 * stream of the orchestrator that launched it. Its heartbeat (every 2 s) tells the fleet its free
 * slots; an orchestrator whose own heartbeat stopped has its agents ended here (no orphans) unless
 * they were launched to outlive it. It holds a lease on its name (a second process with the same
 * name refuses to start), and each command is bound to it and acted on once (its nonce kept in Redis).
 */
export async function startNode(options: NodeOptions): Promise<FleetNode> {
  const { redis, signer, name, log = () => undefined } = options;
  const reader = redis.duplicate();
  let refused = 0;
  // An object, so that a check after an await is not narrowed away by the one before it.
  const life = { closed: false };
  const startedAt = Date.now();

  const { outbox, report, agents, waiting, run } = dispatch(options, log);
  const info = (): NodeInfo => nodeInfo(name, options, agents, startedAt);

  // One process per name: a second one refuses to start (naming the live one) before it reads anything.
  const lease = await acquireLease(redis, name, log);
  const owners = new OwnerWatch(redis, signer, log);
  // A connection of its own for the blocking read (the caller's stays free for writes).
  if (reader.status === "wait") await reader.connect();
  await ensureGroup(reader, name);
  // What a crash of a previous run cut off: resumed where it can be, its orchestrator told what was lost.
  if (agents.journal !== undefined)
    restoreLeftovers({
      journal: agents.journal,
      name,
      providers: options.providers,
      report,
      host: (...args) => {
        agents.host(...args);
      },
      log,
    });
  // Why it stopped by itself, if it did.
  let lost: string | undefined;
  const alive = await keepAlive({
    redis,
    signer,
    name,
    lease,
    info,
    log,
    sweep: async () => {
      waiting.drop(await owners.sweep(agents.hosted, waiting.owners()));
      waiting.drain();
    },
    lost: (why) => {
      lost = why;
      // After startNode returned (this may come from its first heartbeat).
      setImmediate(() => void node.close());
    },
  });

  const loop = readCommands({
    redis,
    reader,
    signer,
    name,
    life,
    log,
    run,
    refuse: () => {
      refused += 1;
    },
    recreated: () => void alive.beat().catch(() => undefined),
  });

  const node = running({ life, agents, refused: () => refused, lost: () => lost }, async () => {
    alive.stop();
    waiting.drop("all");
    // Their exits reach their orchestrators before the node leaves.
    await agents.killAll();
    await outbox.drained();
    await redis.hdel(NODES, name).catch(() => undefined);
    await lease.release().catch(() => undefined);
    reader.disconnect();
    await loop;
  });
  return node;
}

// The running node: closed once, by close() or by itself (`lost` says why).
function running(
  state: { life: { closed: boolean }; agents: NodeAgents; refused: () => number; lost: () => string | undefined },
  stop: () => Promise<void>,
): FleetNode {
  let stopped!: (why: string | undefined) => void;
  const done = new Promise<string | undefined>((resolve) => (stopped = resolve));
  return {
    done,
    get running() {
      return state.agents.hosted.size;
    },
    get refused() {
      return state.refused();
    },
    async close() {
      if (state.life.closed) return;
      state.life.closed = true;
      await stop();
      stopped(state.lost());
    },
  };
}

// Its agents and the queue its commands go through: a report that frees a slot lets a queued launch start.
function dispatch(
  options: NodeOptions,
  log: (line: string) => void,
): {
  outbox: Outbox;
  report: (owner: string, body: Report) => void;
  agents: NodeAgents;
  waiting: ReturnType<typeof queueing>;
  run: (command: Command) => void;
} {
  const { redis, signer, name } = options;
  const journal = options.journalDir === undefined ? undefined : new NodeJournal(options.journalDir);
  // Events go out in order, and wait out a Redis restart.
  const outbox = new Outbox(redis, log);
  const report = (owner: string, body: Report): void => {
    outbox.add(eventStream(owner), signer.seal(body, owner));
    // A slot freed (an agent ended, a launch was refused): a queued launch may start.
    if (body.kind === "refused" || (body.kind === "event" && body.event.type === "exit"))
      queueMicrotask(() => {
        waiting.drain();
      });
  };
  const agents = new NodeAgents({
    name,
    providers: options.providers,
    ceiling: options.ceiling,
    worktrees: options.worktrees,
    journal,
    report,
    log,
    witness: options.witness,
  });
  // A launch that finds the node full waits in its queue (reported as queued) until a slot frees.
  const waiting = queueing({
    name,
    log,
    report,
    launch: (command) => {
      agents.launch(command);
    },
    steer: (command) => agents.steer(command),
    free: (provider) => agents.free(provider),
  });

  // The user's stop goes past the queue (it takes queued launches out of it); the rest through it.
  const run = (command: Command): void => {
    if (command.kind !== "stop") {
      waiting.run(command);
      return;
    }
    void stopByUser({ redis, signer, name, agents, unqueue: waiting.stop, report, log }, command).catch((error: unknown) => {
      log(`the user's stop failed: ${String(error)}`);
    });
  };
  return { outbox, report, agents, waiting, run };
}

// What the node tells of itself in each heartbeat: its free slots per provider, its load.
function nodeInfo(name: string, options: NodeOptions, agents: NodeAgents, startedAt: number): NodeInfo {
  return {
    name,
    host: hostname(),
    pid: process.pid,
    providers: Object.entries(options.providers).map(([provider, p]) => ({ provider, version: p.version, cap: p.cap, free: agents.free(provider) })),
    load: Math.round(((loadavg()[0] ?? 0) / Math.max(1, cpus().length)) * 100) / 100,
    labels: options.labels ?? [],
    startedAt,
    at: Date.now(),
  };
}
