import type { AgentEvent, Driver, Session, TurnFiles } from "@subagent-mcp/core";
import { errorMessage } from "@subagent-mcp/errors";
import { FleetError } from "../errors.js";
import { withinNodeCeiling, type NodeCeiling } from "./node-ceiling.js";
import type { HostedRecord, NodeJournal } from "./node-journal.js";
import { NodePermissions } from "./node-permissions.js";
import type { AgentWorktree, WorktreeSettings } from "@subagent-mcp/worktrees";
import { activeWorktree, openWorktree, releasedWorktree } from "./node-worktree.js";
import type { Command, RemoteSpec, Report } from "../protocol/protocol.js";
import { definedFields } from "@subagent-mcp/contract/fields";

type Launch = Extract<Command, { kind: "launch" }>;
type Steer = Exclude<Command, { kind: "launch" | "stop" }>;

/** An agent the node runs. */
export interface Hosted {
  /** Undefined while its worktree is being made (its CLI starts after). */
  session: Session | undefined;
  owner: string;
  provider: string;
  outlive: boolean;
  /** Settles once its CLI started, or its launch was refused (then it is no longer hosted). */
  ready: Promise<void>;
  /** Its sends and resets, in the order they came: a send after a reset must reach the fresh conversation. */
  chain: Promise<void>;
  worktree?: AgentWorktree;
  /** What the node's journal keeps of it. */
  record: HostedRecord;
  /** Its orchestrator went away: one launched to outlive it ends after its turn. */
  orphaned?: boolean;
  /** The node's own judgement of its permission requests, once its CLI starts. */
  permissions?: NodePermissions;
  /** Its folder here, once its CLI starts (its worktree's, when it has one). */
  cwd?: string;
  /** Its turns begun so far, and the prompts sent that have not ended yet (the CLI queues those past the first). */
  turns: number;
  open: number;
}

/**
 * What reads the files of the node's agents' turns with git in their folders here (the CLI's: the
 * receipts' witness, its private git data under the node's state dir): told each turn's start and
 * events, asked for the files as it ends.
 */
export interface NodeWitness {
  begin(agent: { id: string; cwd: string; turn: number; prompt: string | undefined }): void;
  see(agentId: string, event: AgentEvent): void;
  /** The turn's files, asked as it ends; never rejects. */
  files(agentId: string): Promise<TurnFiles>;
  drop(agentId: string): void;
}

/** What the node's agents need of the node. */
export interface NodeAgentsOptions {
  name: string;
  /** The providers it lends, each with its driver and its cap. */
  providers: Record<string, { driver: Driver; cap: number }>;
  ceiling: NodeCeiling;
  worktrees: WorktreeSettings | undefined;
  journal: NodeJournal | undefined;
  /** Reads each turn's files here, sent with its end; without one the orchestrator's receipt says it could not read them. */
  witness?: NodeWitness | undefined;
  /** Signed onto the owner's event stream, in order. */
  report: (owner: string, body: Report) => void;
  log: (line: string) => void;
}

/**
 * The agents a node runs: each launch held to the node's slots and ceiling, its worktree made before
 * its CLI starts, every event reported to its orchestrator (behind the worktree's git reads), its
 * record kept in the node's journal while it lives, and the steering its orchestrator sends.
 */
export class NodeAgents {
  readonly hosted = new Map<string, Hosted>();
  // Reports waiting behind a worktree's git reads (its agent's exit behind its release): closing waits for them.
  readonly #releasing = new Set<Promise<void>>();

  constructor(private readonly o: NodeAgentsOptions) {}

  /** The node's own journal, if it keeps one. */
  get journal(): NodeJournal | undefined {
    return this.o.journal;
  }

  /** Agents of `provider` running (or starting) here. */
  running(provider: string): number {
    let n = 0;
    for (const h of this.hosted.values()) if (h.provider === provider) n += 1;
    return n;
  }

  /** Free slots of `provider` now (0 for one it does not lend). */
  free(provider: string): number {
    const lent = this.o.providers[provider];
    return lent === undefined ? 0 : Math.max(0, lent.cap - this.running(provider));
  }

  /** Starts a launch, or refuses it (already here, not lent, no slot, no worktrees, outside the ceiling). */
  launch(command: Launch): void {
    const { agent, owner, provider } = command;
    let admitted: { driver: Driver; spec: RemoteSpec };
    try {
      admitted = this.#admit(command);
    } catch (error) {
      this.#refuse(owner, agent, error);
      return;
    }
    const { spec } = admitted;
    const { worktree: ask } = command;
    const settings = this.o.worktrees;
    const record = { agent, owner, provider, spec, ...definedFields({ id: command.id }), outlive: command.outlive === true, busy: false };
    this.host(record, admitted.driver, async () => {
      if (ask === undefined || settings === undefined) return undefined;
      const tree = await openWorktree(ask, spec.cwd, agent, settings);
      this.o.report(owner, { kind: "worktree", agent, node: this.o.name, worktree: await activeWorktree(tree) });
      return tree;
    });
  }

  /** Runs an agent here (a launch, or one a crash cut off, resumed), its record kept in the node's journal. */
  host(record: HostedRecord, driver: Driver, worktree: () => Promise<AgentWorktree | undefined>): void {
    const { agent, owner, provider } = record;
    // Hosted from now on (its slot is taken), although its CLI starts only once its worktree is there.
    const entry: Hosted = {
      owner,
      provider,
      outlive: record.outlive,
      session: undefined,
      ready: Promise.resolve(),
      chain: Promise.resolve(),
      record,
      turns: 0,
      open: 0,
    };
    this.hosted.set(agent, entry);
    entry.ready = this.#start(agent, entry, driver, worktree).catch((error: unknown) => {
      this.o.journal?.remove(agent);
      this.#refuse(owner, agent, error);
    });
    entry.chain = entry.ready;
  }

  /** A command for an agent running here (one that ended already, or whose launch was refused, has none). */
  async steer(command: Steer): Promise<void> {
    const entry = this.hosted.get(command.agent);
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
          this.#keep(command.agent, entry);
          // A turn starts now unless one runs: a queued prompt's turn starts as the one before it ends.
          entry.open += 1;
          if (entry.open === 1) this.#begin(command.agent, entry, command.text);
          session.send(command.text);
        });
        return;
      case "permission": {
        // Judged again by the node's ceiling; an answer to a request it did not forward is dropped.
        const decision = entry.permissions?.answer(command.requestId, command.decision);
        if (decision === undefined) this.o.log(`${command.agent}: ignored an answer to permission request ${command.requestId}, which is not open here`);
        else session.respondPermission?.(command.requestId, decision);
        return;
      }
      case "interrupt":
        return session.interrupt();
      case "reset":
        return this.#reset(command.agent, entry, session);
      case "close":
        return session.close();
      case "kill":
        return session.kill();
    }
  }

  /** Kills every agent, and resolves once their last reports (behind their worktrees' release) went out. */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.hosted.values()].map(async (h) => {
        await h.ready;
        await h.session?.kill().catch(() => undefined);
      }),
    );
    await Promise.all([...this.#releasing]);
  }

  // The launch's driver and its spec within the node's ceiling; throws what refuses it.
  #admit(command: Launch): { driver: Driver; spec: RemoteSpec } {
    const { agent, provider } = command;
    const { name, providers } = this.o;
    const lent = providers[provider];
    if (this.hosted.has(agent)) throw new FleetError("REFUSED", `agent ${agent} runs here already`);
    if (lent === undefined)
      throw new FleetError("REFUSED", `machine "${name}" does not run ${provider}; it runs ${Object.keys(providers).join(", ") || "nothing"}`);
    if (this.free(provider) === 0) throw new FleetError("NO_SLOT", `machine "${name}" has no free ${provider} slot (cap ${lent.cap})`);
    if (command.worktree !== undefined && this.o.worktrees === undefined) throw new FleetError("REFUSED", `machine "${name}" makes no worktrees`);
    return { driver: lent.driver, spec: withinNodeCeiling(command.spec, this.o.ceiling, name, provider) };
  }

  async #start(agent: string, entry: Hosted, driver: Driver, worktree: () => Promise<AgentWorktree | undefined>): Promise<void> {
    const { record } = entry;
    const { spec, owner, provider } = record;
    const tree = (entry.worktree = await worktree());
    if (tree !== undefined) entry.record = { ...entry.record, worktree: tree.record };
    this.#keep(agent, entry);
    const resume = record.sessionId === undefined ? {} : { resume: record.sessionId };
    const cwd = (entry.cwd = tree?.cwd ?? spec.cwd);
    // Every permission request is judged by the node's ceiling before it is forwarded.
    const permissions = (entry.permissions = new NodePermissions(this.o.ceiling, { node: this.o.name, agent, cwd }));
    const started = { ...spec, ...resume, ...(tree === undefined ? {} : { cwd: tree.cwd }) };
    entry.session = driver.start(
      started,
      permissions.listen(() => entry.session, this.#listener(agent, entry, tree), this.o.log),
    );
    const pid = entry.session.pid;
    this.o.report(owner, { kind: "spawned", agent, node: this.o.name, ...definedFields({ pid }) });
    this.o.log(
      `${agent}: ${provider}${pid === undefined ? "" : ` (pid ${String(pid)})`} for ${owner} in ${cwd}${record.sessionId === undefined ? "" : ", resumed"}`,
    );
  }

  // Each event of the agent: its record kept, and the event reported, in order behind the git reads
  // it waits for (a turn's end behind its files and its worktree's measure, the exit behind its release).
  #listener(agent: string, entry: Hosted, tree: AgentWorktree | undefined): (event: AgentEvent) => void {
    const { owner } = entry;
    const node = this.o.name;
    const send = (event: AgentEvent, files?: TurnFiles): void => {
      this.o.report(owner, { kind: "event", agent, node, event, ...(files === undefined ? {} : { files }) });
    };
    const later = this.#inOrder(agent);
    return (event) => {
      this.#track(agent, entry, event);
      const files = this.#witness(agent, entry, event);
      if (tree === undefined && this.o.witness === undefined) send(event);
      else
        later(async () => {
          if (tree !== undefined && (event.type === "exit" || event.type === "turn_end")) {
            const worktree = event.type === "exit" ? await releasedWorktree(tree) : await activeWorktree(tree);
            this.o.report(owner, { kind: "worktree", agent, node, worktree });
          }
          send(event, await files);
          // Its private git data goes once its last turn's files were read.
          if (event.type === "exit") this.o.witness?.drop(agent);
        });
    };
  }

  // The witness sees the event; a turn's end asks it for the turn's files (read now, before the next
  // queued turn begins and resets what it counts).
  #witness(agent: string, entry: Hosted, event: AgentEvent): Promise<TurnFiles> | undefined {
    const witness = this.o.witness;
    if (witness === undefined) return undefined;
    if (event.type === "exit") return undefined;
    if (event.type !== "turn_end") {
      witness.see(agent, event);
      return undefined;
    }
    const files = witness.files(agent);
    entry.open = Math.max(0, entry.open - 1);
    if (entry.open > 0) this.#begin(agent, entry, undefined);
    return files;
  }

  #begin(agent: string, entry: Hosted, prompt: string | undefined): void {
    if (entry.cwd === undefined) return;
    entry.turns += 1;
    this.o.witness?.begin({ id: agent, cwd: entry.cwd, turn: entry.turns, prompt });
  }

  // What an event changes of the agent's record here, and its end.
  #track(agent: string, entry: Hosted, event: AgentEvent): void {
    if (event.type === "started") entry.record = { ...entry.record, sessionId: event.sessionId };
    if (event.type === "turn_end") entry.record = { ...entry.record, busy: false };
    // Nobody is left to read its answer (its work stays, e.g. on its worktree's branch).
    if (event.type === "turn_end" && entry.orphaned === true) void entry.session?.close();
    if (event.type === "started" || event.type === "turn_end") this.#keep(agent, entry);
    if (event.type === "exit") {
      this.hosted.delete(agent);
      this.o.journal?.remove(agent);
      this.o.log(`${agent}: ended (${String(event.code ?? event.signal)})`);
    }
  }

  // Work run one after the other, each failure logged; closing waits for what is under way.
  #inOrder(agent: string): (work: () => Promise<void>) => void {
    let out = Promise.resolve();
    return (work) => {
      const next = out.then(work).catch((error: unknown) => {
        this.o.log(`${agent}: worktree: ${String(error)}`);
      });
      out = next;
      this.#releasing.add(next);
      void next.finally(() => this.#releasing.delete(next));
    };
  }

  // A fresh conversation after the sends before it; its orchestrator is told once it is done, or why it failed.
  async #reset(agent: string, entry: Hosted, session: Session): Promise<void> {
    const done = entry.chain.then(() => session.reset());
    entry.chain = done.catch(() => undefined);
    await done.then(
      () => {
        this.o.report(entry.owner, { kind: "reset", agent, node: this.o.name });
      },
      (error: unknown) => {
        this.o.report(entry.owner, { kind: "reset", agent, node: this.o.name, error: errorMessage(error) });
      },
    );
  }

  // Written while it is hosted (an agent that ended is no longer kept).
  #keep(agent: string, entry: Hosted): void {
    if (this.hosted.has(agent)) this.o.journal?.write(entry.record);
  }

  #refuse(owner: string, agent: string, error: unknown): void {
    this.hosted.delete(agent);
    const code = error instanceof FleetError ? error.code : "REFUSED";
    this.o.report(owner, { kind: "refused", agent, node: this.o.name, code, message: errorMessage(error) });
    this.o.log(`${agent}: refused (${code})`);
  }
}
