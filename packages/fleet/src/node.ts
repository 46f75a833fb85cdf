import { cpus, hostname, loadavg } from "node:os";
import type { AgentEvent, Driver, Session } from "@subagent-mcp/core";
import type { Redis } from "ioredis";
import { FleetError } from "./errors.js";
import { eventStream, NODES } from "./keys.js";
import { acquireLease } from "./lease.js";
import { keepAlive } from "./node-alive.js";
import { ensureGroup, readCommands } from "./node-commands.js";
import { OwnerWatch } from "./node-owners.js";
import { queueing } from "./node-queue.js";
import { Outbox } from "./outbox.js";
import { withinNodeCeiling, type NodeCeiling } from "./node-ceiling.js";
import { NodePermissions } from "./node-permissions.js";
import { NodeWorktree, type NodeWorktreeSettings } from "./node-worktree.js";
import { NodeJournal, restoreLeftovers, type HostedRecord } from "./node-journal.js";
import type { Command, NodeInfo, RemoteSpec, Report } from "./protocol.js";
import type { Signer } from "./sign.js";
import { errorMessage } from "@subagent-mcp/errors";

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
  worktrees?: NodeWorktreeSettings;
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

interface Hosted {
  /** Undefined while its worktree is being made (its CLI starts after). */
  session: Session | undefined;
  owner: string;
  provider: string;
  outlive: boolean;
  /** Settles once its CLI started, or its launch was refused (then it is no longer hosted). */
  ready: Promise<void>;
  /** Its sends and resets, in the order they came: a send after a reset must reach the fresh conversation. */
  chain: Promise<void>;
  worktree?: NodeWorktree;
  /** What the node's journal keeps of it. */
  record: HostedRecord;
  /** Its orchestrator went away: one launched to outlive it ends after its turn. */
  orphaned?: boolean;
  /** The node's own judgement of its permission requests, once its CLI starts. */
  permissions?: NodePermissions;
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
  const hosted = new Map<string, Hosted>();
  // Reports waiting behind a worktree's git reads (its agent's exit behind its release): closing waits for them.
  const releasing = new Set<Promise<void>>();
  let refused = 0;
  // An object, so that a check after an await is not narrowed away by the one before it.
  const life = { closed: false };
  const startedAt = Date.now();
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

  const info = (): NodeInfo => {
    const running = (provider: string): number => [...hosted.values()].filter((h) => h.provider === provider).length;
    return {
      name,
      host: hostname(),
      pid: process.pid,
      providers: Object.entries(options.providers).map(([provider, p]) => ({
        provider,
        version: p.version,
        cap: p.cap,
        free: Math.max(0, p.cap - running(provider)),
      })),
      load: Math.round(((loadavg()[0] ?? 0) / Math.max(1, cpus().length)) * 100) / 100,
      labels: options.labels ?? [],
      startedAt,
      at: Date.now(),
    };
  };

  const refuse = (owner: string, agent: string, error: unknown): void => {
    hosted.delete(agent);
    const code = error instanceof FleetError ? error.code : "REFUSED";
    report(owner, { kind: "refused", agent, node: name, code, message: errorMessage(error) });
    log(`${agent}: refused (${code})`);
  };

  const launch = (command: Extract<Command, { kind: "launch" }>): void => {
    const { agent, owner, provider } = command;
    const lent = options.providers[provider];
    let spec: RemoteSpec;
    try {
      if (hosted.has(agent)) throw new FleetError("REFUSED", `agent ${agent} runs here already`);
      if (lent === undefined)
        throw new FleetError("REFUSED", `machine "${name}" does not run ${provider}; it runs ${Object.keys(options.providers).join(", ") || "nothing"}`);
      if ((info().providers.find((p) => p.provider === provider)?.free ?? 0) === 0)
        throw new FleetError("NO_SLOT", `machine "${name}" has no free ${provider} slot (cap ${lent.cap})`);
      if (command.worktree !== undefined && options.worktrees === undefined) throw new FleetError("REFUSED", `machine "${name}" makes no worktrees`);
      spec = withinNodeCeiling(command.spec, options.ceiling, name, provider);
    } catch (error) {
      refuse(owner, agent, error);
      return;
    }
    const { worktree: ask } = command;
    const settings = options.worktrees;
    host({ agent, owner, provider, spec, outlive: command.outlive === true, busy: false }, lent.driver, async () => {
      if (ask === undefined || settings === undefined) return undefined;
      const tree = await NodeWorktree.open(ask, spec.cwd, agent, settings);
      report(owner, { kind: "worktree", agent, node: name, worktree: await tree.active() });
      return tree;
    });
  };

  // Runs an agent here (a launch, or one a crash cut off, resumed), its record kept in the node's journal.
  const host = (record: HostedRecord, driver: Driver, worktree: () => Promise<NodeWorktree | undefined>): void => {
    const { agent, owner, provider, spec } = record;
    // Hosted from now on (its slot is taken), although its CLI starts only once its worktree is there.
    const entry: Hosted = { owner, provider, outlive: record.outlive, session: undefined, ready: Promise.resolve(), chain: Promise.resolve(), record };
    hosted.set(agent, entry);
    const keep = (): void => {
      if (hosted.has(agent)) journal?.write(entry.record);
    };
    const start = async (): Promise<void> => {
      const tree = (entry.worktree = await worktree());
      if (tree !== undefined) entry.record = { ...entry.record, worktree: tree.record };
      keep();
      // With a worktree, its reports go out in order behind the git reads they wait for: a turn's end
      // after the worktree was measured, the exit after it was given up (so wait sees what became of it).
      let out = Promise.resolve();
      const later = (work: () => Promise<void>): void => {
        const next = out.then(work).catch((error: unknown) => {
          log(`${agent}: worktree: ${String(error)}`);
        });
        out = next;
        releasing.add(next);
        void next.finally(() => releasing.delete(next));
      };
      const send = (event: AgentEvent): void => {
        report(owner, { kind: "event", agent, node: name, event });
      };
      const resume = record.sessionId === undefined ? {} : { resume: record.sessionId };
      const onEvent = (event: AgentEvent): void => {
        if (event.type === "started") entry.record = { ...entry.record, sessionId: event.sessionId };
        if (event.type === "turn_end") entry.record = { ...entry.record, busy: false };
        // Nobody is left to read its answer (its work stays, e.g. on its worktree's branch).
        if (event.type === "turn_end" && entry.orphaned === true) void entry.session?.close();
        if (event.type === "started" || event.type === "turn_end") keep();
        if (event.type === "exit") {
          hosted.delete(agent);
          journal?.remove(agent);
          log(`${agent}: ended (${String(event.code ?? event.signal)})`);
        }
        if (tree === undefined) send(event);
        else if (event.type === "exit" || event.type === "turn_end")
          later(async () => {
            const worktree = event.type === "exit" ? await tree.release() : await tree.active();
            report(owner, { kind: "worktree", agent, node: name, worktree });
            send(event);
          });
        else
          later(() => {
            send(event);
            return Promise.resolve();
          });
      };
      // Every permission request is judged by the node's ceiling before it is forwarded.
      const permissions = (entry.permissions = new NodePermissions(options.ceiling, { node: name, agent, cwd: tree?.cwd ?? spec.cwd }));
      const started = { ...spec, ...resume, ...(tree === undefined ? {} : { cwd: tree.cwd }) };
      entry.session = driver.start(
        started,
        permissions.listen(() => entry.session, onEvent, log),
      );
      const pid = entry.session.pid;
      report(owner, { kind: "spawned", agent, node: name, ...(pid === undefined ? {} : { pid }) });
      log(
        `${agent}: ${provider}${pid === undefined ? "" : ` (pid ${String(pid)})`} for ${owner} in ${tree?.cwd ?? spec.cwd}${record.sessionId === undefined ? "" : ", resumed"}`,
      );
    };
    entry.ready = start().catch((error: unknown) => {
      journal?.remove(agent);
      refuse(owner, agent, error);
    });
    entry.chain = entry.ready;
  };

  // What a crash of a previous run cut off: resumed where it can be, its orchestrator told what was lost.
  const restore = (): void => {
    if (journal !== undefined) restoreLeftovers({ journal, name, providers: options.providers, report, host, log });
  };

  const steer = async (command: Exclude<Command, { kind: "launch" }>): Promise<void> => {
    const entry = hosted.get(command.agent);
    if (entry === undefined) return; // ended already: its exit was reported
    // A command that came while its worktree was being made waits for its CLI.
    await entry.ready;
    const session = entry.session;
    if (session === undefined) return; // its launch was refused
    switch (command.kind) {
      case "send":
        entry.chain = entry.chain.then(() => {
          // Under way from now: a crash loses this turn's answer, and its resume says so.
          entry.record = { ...entry.record, busy: true };
          if (hosted.has(command.agent)) journal?.write(entry.record);
          session.send(command.text);
        });
        return;
      case "permission": {
        // Judged again by the node's ceiling; an answer to a request it did not forward is dropped.
        const decision = entry.permissions?.answer(command.requestId, command.decision);
        if (decision === undefined) log(`${command.agent}: ignored an answer to permission request ${command.requestId}, which is not open here`);
        else session.respondPermission?.(command.requestId, decision);
        return;
      }
      case "interrupt":
        return session.interrupt();
      case "reset": {
        const done = entry.chain.then(() => session.reset());
        entry.chain = done.catch(() => undefined);
        await done.then(
          () => {
            report(entry.owner, { kind: "reset", agent: command.agent, node: name });
          },
          (error: unknown) => {
            report(entry.owner, { kind: "reset", agent: command.agent, node: name, error: errorMessage(error) });
          },
        );
        return;
      }
      case "close":
        return session.close();
      case "kill":
        return session.kill();
    }
  };

  // A launch that finds the node full waits in its queue (reported as queued) until a slot frees.
  const waiting = queueing({ name, log, report, launch, steer, free: (provider) => info().providers.find((p) => p.provider === provider)?.free ?? 0 });

  // One process per name: a second one refuses to start (naming the live one) before it reads anything.
  const lease = await acquireLease(redis, name, log);
  const owners = new OwnerWatch(redis, signer, log);
  // A connection of its own for the blocking read (the caller's stays free for writes).
  if (reader.status === "wait") await reader.connect();
  await ensureGroup(reader, name);
  restore();
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
      waiting.drop(await owners.sweep(hosted, waiting.owners()));
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
    run: waiting.run,
    refuse: () => {
      refused += 1;
    },
    recreated: () => void alive.beat().catch(() => undefined),
  });

  let stopped!: (why: string | undefined) => void;
  const done = new Promise<string | undefined>((resolve) => (stopped = resolve));
  const node: FleetNode = {
    done,
    get running() {
      return hosted.size;
    },
    get refused() {
      return refused;
    },
    async close() {
      if (life.closed) return;
      life.closed = true;
      alive.stop();
      waiting.drop("all");
      await Promise.all(
        [...hosted.values()].map(async (h) => {
          await h.ready;
          await h.session?.kill().catch(() => undefined);
        }),
      );
      // Their exits reach their orchestrators before the node leaves.
      await Promise.all([...releasing]);
      await outbox.drained();
      await redis.hdel(NODES, name).catch(() => undefined);
      await lease.release().catch(() => undefined);
      reader.disconnect();
      await loop;
      stopped(lost);
    },
  };
  return node;
}
