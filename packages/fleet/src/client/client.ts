import { randomUUID } from "node:crypto";
import type { AgentEvent, Driver, Session, SessionSpec } from "@subagent-mcp/core";
import type { Redis } from "ioredis";
import { commandStream, eventStream, STREAM_TTL_MS } from "../redis/keys.js";
import { Outbox } from "../redis/outbox.js";
import type { NodeInfo, PermissionDecision } from "@subagent-mcp/contract";
import { agentIdOf, remoteSpec, ReportSchema, type Command } from "../protocol/protocol.js";
import type { Launching, Remote, RemoteLaunchOptions } from "./client-remote.js";
import { HEARTBEAT_MS, lastBeat, liveNodes, LOST_AFTER_MS, OWNERS, ownerBeat, place } from "../redis/registry.js";
import type { Signer } from "../protocol/sign.js";
import { streamEntries } from "../redis/streams.js";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * An orchestrator's side of the fleet: lists the live machines, places launches on them, and
 * hands the supervisor a {@link Driver} per placement whose sessions run on the node. Every event
 * of those sessions comes back on this orchestrator's own stream (one blocking read for all of
 * them); steering goes out as signed commands. Its heartbeat keeps its agents alive on the nodes;
 * a node whose heartbeat stops has its sessions here end with an error naming it.
 */
export class FleetClient {
  readonly owner: string;
  readonly #remotes = new Map<string, Remote>();
  // How long a node may be silent before its agents end here (a node that restarts sooner resumes them).
  readonly #lostAfter: number;
  #leaving = false;
  // Agents a node still reports that we had given up on, each killed once.
  readonly #disowned = new Set<string>();
  readonly #reader: Redis;
  readonly #outbox: Outbox;
  // Since when our connection is up: heartbeats are judged only after a full window of it (a
  // Redis restart leaves every heartbeat old for a moment).
  #readySince = Date.now();
  // Launches placed since each node's last heartbeat: "any" must not send a burst to one node.
  readonly #placed = new Map<string, { provider: string; at: number }[]>();
  #timer: NodeJS.Timeout | undefined;
  // An object, so that a check after an await is not narrowed away by the one before it.
  readonly #life = { closed: false };
  #loop: Promise<void> | undefined;
  // Told our id of each agent the user stopped on its node (`subagent-mcp stop`): we stop and journal it as the user's stop.
  readonly #onUserStop: ((id: string) => void) | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly signer: Signer,
    owner?: string,
    options: { lostAfterMs?: number; onUserStop?: (id: string) => void } = {},
  ) {
    this.owner = owner ?? `orch-${randomUUID().slice(0, 12)}`;
    this.#lostAfter = options.lostAfterMs ?? LOST_AFTER_MS;
    this.#onUserStop = options.onUserStop;
    this.#reader = redis.duplicate();
    this.#outbox = new Outbox(redis);
    redis.on("ready", () => {
      this.#readySince = Date.now();
    });
  }

  /** How many remote agents this orchestrator follows (those that have not ended). */
  get following(): number {
    return this.#remotes.size;
  }

  /** The live machines, least loaded first. */
  machines(): Promise<NodeInfo[]> {
    return liveNodes(this.redis, this.signer);
  }

  /**
   * A driver that runs `provider` sessions on `machine` ("any": a live node with a free slot, most
   * free first). Throws UNKNOWN_MACHINE / NO_SLOT / REFUSED naming the live machines.
   */
  async driverOn(machine: string, provider: string, options: RemoteLaunchOptions = {}): Promise<{ node: string; driver: Driver }> {
    const node = await this.#choose(machine, provider);
    return { node, driver: { provider, start: (spec, onEvent, id) => this.#launch(node, provider, spec, onEvent, { ...options, ours: id }) } };
  }

  /**
   * A driver placed anew as each session starts, for launches made by synchronous code (a pool's
   * replicas, a failover's next candidate): each session's `machine` names its node once chosen,
   * and one that cannot be placed ends with the reason, as a refused launch does.
   */
  driverAt(machine: string, provider: string, options: RemoteLaunchOptions = {}): Driver {
    return { provider, start: (spec, onEvent, id) => this.#launch(this.#choose(machine, provider), provider, spec, onEvent, { ...options, ours: id }) };
  }

  // The node for a launch; counted as placed there until its next heartbeat tells its free slots.
  async #choose(machine: string, provider: string): Promise<string> {
    this.#start();
    const nodes = (await this.machines()).map((n) => this.#lessPlaced(n));
    const node = place(nodes, machine, provider).name;
    const placed = this.#placed.get(node) ?? [];
    placed.push({ provider, at: Date.now() });
    this.#placed.set(node, placed);
    return node;
  }

  /**
   * From now on this orchestrator is going away: ending an agent launched to outlive it is left to
   * its node (its turn runs to its end there), so that our own shutdown, which ends every agent, does not.
   */
  leave(): void {
    this.#leaving = true;
  }

  /** Ends the remote agents not launched to outlive us, and stops. */
  async close(): Promise<void> {
    if (this.#life.closed) return;
    this.#life.closed = true;
    clearInterval(this.#timer);
    const live = [...this.#remotes.entries()].filter(([, r]) => !r.ended && !r.outlive);
    for (const [agent, r] of live) if (r.node !== undefined) this.#command(r.node, { kind: "kill", agent });
    await this.#outbox.drained();
    await this.redis.hdel(OWNERS, this.owner).catch(() => undefined);
    this.#reader.disconnect();
    await this.#loop;
    // Its events (prompts, results) are read by no one from now: they go (an agent that outlives us writes a fresh one, with its TTL).
    await this.redis.del(eventStream(this.owner)).catch(() => undefined);
  }

  #ended(): boolean {
    return this.#life.closed;
  }

  #lessPlaced(n: NodeInfo): NodeInfo {
    const recent = (this.#placed.get(n.name) ?? []).filter((p) => p.at > n.at);
    this.#placed.set(n.name, recent);
    return {
      ...n,
      providers: n.providers.map((p) => ({ ...p, free: p.free - recent.filter((r) => r.provider === p.provider).length })),
    };
  }

  #start(): void {
    if (this.#timer !== undefined || this.#life.closed) return;
    const tick = (): void => {
      void ownerBeat(this.redis, this.signer, this.owner).catch(() => undefined);
      // Our event stream lives while we do (its TTL is also refreshed by each write to it).
      void this.redis.pexpire(eventStream(this.owner), STREAM_TTL_MS).catch(() => undefined);
      void this.#checkNodes().catch(() => undefined);
    };
    tick();
    this.#timer = setInterval(tick, HEARTBEAT_MS);
    this.#timer.unref();
    this.#loop = this.#read();
  }

  // One blocking read for every remote agent of this orchestrator.
  async #read(): Promise<void> {
    const stream = eventStream(this.owner);
    if (this.#reader.status === "wait") await this.#reader.connect().catch(() => undefined);
    // The stream is this orchestrator's own (a fresh id): reading it from the start misses nothing sent before the first read.
    let from = "0";
    while (!this.#life.closed) {
      let read: unknown;
      try {
        read = await this.#reader.xread("COUNT", 256, "BLOCK", 5_000, "STREAMS", stream, from);
      } catch {
        // Closing disconnects the reader, which ends the blocked read with an error.
        if (this.#ended()) return;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [id, fields] of streamEntries(read)) {
        from = id;
        // The user's stop is marked by its handler before its agent's exit, which may follow in this same batch.
        if (this.#deliver(fields)) await new Promise((r) => setImmediate(r));
      }
    }
  }

  // True for the user's stop of one of ours.
  #deliver(fields: string[]): boolean {
    let report;
    try {
      report = ReportSchema.parse(this.signer.open(fields, this.owner));
    } catch {
      return false; // not from a node holding the key, or meant for another orchestrator: ignored
    }
    const remote = this.#remotes.get(report.agent);
    // One we gave up on (its machine went silent) that its node resumed after a restart: it has no one here.
    if (remote === undefined && report.kind === "event" && report.event.type !== "exit" && !this.#disowned.has(report.agent)) {
      this.#disowned.add(report.agent);
      this.#command(report.node, { kind: "kill", agent: report.agent });
    }
    if (remote === undefined || remote.ended) return false;
    // Queued on a full node: it starts there once a slot frees (its commands wait with it), and its
    // agent here is queued meanwhile (not stalled), until the node says its CLI started.
    if (report.kind === "queued") {
      remote.queued = true;
      remote.onEvent({ type: "queued", position: report.position });
      return false;
    }
    if (report.kind === "spawned") {
      if (remote.queued === true) remote.onEvent({ type: "admitted" });
      remote.queued = false;
      return false;
    }
    if (report.kind === "stopped") {
      if (remote.id !== undefined) this.#onUserStop?.(remote.id);
      return true;
    }
    if (report.kind === "worktree") {
      remote.worktree = report.worktree;
      return false;
    }
    if (report.kind === "reset") {
      const waiting = remote.resets.shift();
      if (report.error === undefined) waiting?.resolve();
      else waiting?.reject(new Error(`machine "${report.node}": ${report.error}`));
      return false;
    }
    if (report.kind === "refused") {
      this.#end(report.agent, remote, `machine "${report.node}" refused the launch (${report.code}): ${report.message}`);
      return false;
    }
    // A turn's files as its node read them ride on its end, where the supervisor hands them to its witness.
    const { event, files } = report;
    remote.onEvent(event.type === "turn_end" && files !== undefined ? { ...event, files } : event);
    if (report.event.type === "exit") this.#settle(report.agent, remote);
    return false;
  }

  // An ended agent: whoever waits on its end or on a reset hears of it; it is no longer followed (nor gone through by each heartbeat's check).
  #settle(agent: string, remote: Remote): void {
    remote.ended = true;
    remote.exit();
    for (const waiting of remote.resets.splice(0)) waiting.reject(new Error("the agent ended before its reset was done"));
    this.#remotes.delete(agent);
  }

  // A node whose heartbeat stopped: its agents here end with an error naming it.
  async #checkNodes(): Promise<void> {
    if (Date.now() - this.#readySince < this.#lostAfter) return;
    const nodes = new Set([...this.#remotes.values()].flatMap((r) => (r.ended || r.node === undefined ? [] : [r.node])));
    for (const node of nodes) {
      const last = await lastBeat(this.redis, this.signer, node);
      const silent = last === undefined ? Infinity : Date.now() - last.at;
      if (silent <= this.#lostAfter) continue;
      const since = last === undefined ? "it left the fleet" : `its last heartbeat was ${Math.round(silent / 1000)} s ago`;
      for (const [agent, r] of this.#remotes)
        if (r.node === node && !r.ended) this.#end(agent, r, `machine "${node}" stopped answering (${since}); the agent ended there`);
    }
  }

  #end(agent: string, remote: Remote, message: string): void {
    remote.ended = true;
    remote.onEvent({ type: "error", message, transient: true });
    remote.onEvent({ type: "exit", code: null, signal: null });
    this.#settle(agent, remote);
  }

  // Commands go out in order, and wait out a Redis restart.
  #command(node: string, command: Command): void {
    // Bound to its node: copied to another node's stream, it is refused there.
    this.#outbox.add(commandStream(node), this.signer.seal(command, node));
  }

  // `options.ours`: our id of the agent (the supervisor's; a pool's replica has no lineage to carry it).
  #launch(node: string | Promise<string>, provider: string, spec: SessionSpec, onEvent: (event: AgentEvent) => void, options: Launching): Session {
    const id = options.ours ?? agentIdOf(spec);
    const agent = `r-${randomUUID()}`;
    let exit!: () => void;
    const exited = new Promise<void>((r) => (exit = r));
    const remote: Remote = {
      node: typeof node === "string" ? node : undefined,
      onEvent,
      ended: false,
      exited,
      exit,
      resets: [],
      outlive: options.outlive === true,
      ...definedFields({ id }),
    };
    this.#remotes.set(agent, remote);
    // Commands wait for the node to be chosen, in the order they were given (a promise's reactions run in order).
    const where = Promise.resolve(node);
    where.then(
      (chosen) => {
        remote.node = chosen;
      },
      (error: unknown) => {
        // Events of a session come after start() returns, as a driver's do.
        this.#end(agent, remote, errorMessage(error));
      },
    );
    const send = (command: Command): void => {
      where.then(
        (chosen) => {
          this.#command(chosen, command);
        },
        () => undefined,
      );
    };
    send({
      kind: "launch",
      agent,
      provider,
      spec: remoteSpec(spec),
      owner: this.owner,
      ...definedFields({ id }),
      ...(options.outlive === true ? { outlive: true } : {}),
      ...(options.worktree === undefined ? {} : { worktree: options.worktree }),
    });
    return this.#session(agent, remote, send);
  }

  // The session the supervisor steers: each call a signed command to its node.
  #session(agent: string, remote: Remote, send: (command: Command) => void): Session {
    const ending = async (kind: "close" | "kill"): Promise<void> => {
      if (remote.ended || (this.#leaving && remote.outlive)) return;
      send({ kind, agent });
      // The node answers with the exit; one that went away is found by the heartbeat check. Bounded,
      // so that shutting down never hangs on a machine that is gone.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([remote.exited, new Promise<void>((r) => (timer = setTimeout(r, LOST_AFTER_MS)))]);
      clearTimeout(timer);
    };
    return {
      pid: undefined,
      get machine() {
        return remote.node;
      },
      get worktree() {
        return remote.worktree;
      },
      send: (text) => {
        send({ kind: "send", agent, text });
      },
      interrupt: () => {
        send({ kind: "interrupt", agent });
        return Promise.resolve();
      },
      // Resolves once the node confirms the fresh conversation: a pool sends its next task only then.
      reset: () =>
        remote.ended
          ? Promise.reject(new Error("the agent has ended"))
          : new Promise<void>((resolve, reject) => {
              remote.resets.push({ resolve, reject });
              send({ kind: "reset", agent });
            }),
      close: () => ending("close"),
      kill: () => ending("kill"),
      respondPermission: (requestId: string, decision: PermissionDecision) => {
        send({ kind: "permission", agent, requestId, decision });
      },
    };
  }
}
