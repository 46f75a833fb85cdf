import { transportView, type TaskStore } from "@subagent-mcp/mcp-transport";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { AgentChange, Supervisor } from "@subagent-mcp/core";
import { pendingFile, pendingWriter, removePending, somethingWaits, type Pending, type PendingWriter } from "@subagent-mcp/hooks";
import { isRetryable, type MailboxStore } from "@subagent-mcp/mailbox";
import { setTimeout as sleep } from "node:timers/promises";
import { PendingEntries } from "./pending-entries.js";

/** Where a server publishes what waits for its orchestrator: the state dir, and the host session (if known) or project it serves. */
export interface PendingSettings {
  stateDir: string;
  cwd: string;
  /** The host session's id, when the host tells its MCP servers (Claude Code's CLAUDE_CODE_SESSION_ID). */
  session?: string;
}

type Published = Omit<Pending, "server_pid" | "updated_at">;

/**
 * Publishes what waits for this server's orchestrator (running agents, permission requests,
 * unreported turns, inbox messages) to a small file the host's hooks read: keyed like
 * orchestration mode, rewritten at most once per event-loop turn when it changes, removed when
 * nothing waits and when the server closes.
 */
export class PendingPublisher {
  readonly #path: string;
  readonly #file: PendingWriter;
  readonly #stop = new AbortController();
  readonly #unsubscribe: (() => void)[] = [];
  #supervisor: Supervisor | undefined;
  #entries: PendingEntries | undefined;
  #scheduled: NodeJS.Immediate | undefined;
  #last = "";
  /** Something may have changed since the last flush (an event, a task, a mail count). */
  #dirty = true;
  #closed = false;
  /** Messages waiting for the orchestrator when last counted (a count is a call to the mailbox store). */
  #mail = 0;
  #carried: () => ReadonlySet<string> = () => new Set();

  constructor(
    settings: PendingSettings,
    private readonly messaging?: { mail: MailboxStore; self: string },
  ) {
    this.#path = pendingFile(settings.stateDir, settings.cwd, settings.session);
    this.#file = pendingWriter(this.#path);
    if (messaging !== undefined) void this.#watchMail(messaging).catch(() => undefined);
  }

  /** The file this server publishes to. */
  get path(): string {
    return this.#path;
  }

  /** Follows the supervisor's agents from now on (it is made on the first call that needs it). */
  attach(supervisor: Supervisor): void {
    this.#supervisor = supervisor;
    this.#entries = new PendingEntries(supervisor);
    const changed = (id: string): void => {
      this.#entries?.touch(id);
      this.schedule();
    };
    // A tool call, a session's start or a rate limit changes nothing published: no pass over every agent for it.
    const published = (change: AgentChange): void => {
      if (change.type !== "event" || change.event.type.startsWith("permission")) changed(change.agentId);
    };
    this.#unsubscribe.push(
      supervisor.onChange(published),
      supervisor.onTurn((report) => {
        changed(report.agentId);
      }),
      supervisor.onEnd((view) => {
        changed(view.id);
      }),
    );
    this.schedule();
  }

  /**
   * Brings the file up to date as each answer `server` sends goes out: what a call changed without
   * an event (turns `wait` reported, messages `inbox` took) is published in the same turn of the
   * event loop as the answer is handed to the transport, so before the host reads it, and so before
   * the hook it runs when the model's turn ends.
   */
  follow(server: McpServer): void {
    const connect = server.connect.bind(server);
    server.connect = (transport: Transport) => connect(this.#beforeAnswers(transport));
  }

  /**
   * Leaves out of `running` the agents whose turn a delegation task carries: the host is told when
   * they finish, so its stop hook must not hold it back for them (it would make it call wait).
   */
  delegated(tasks: TaskStore): void {
    this.#carried = () => tasks.carried();
    this.#unsubscribe.push(
      tasks.onChange(() => {
        this.schedule();
      }),
    );
  }

  /** Publishes on the next turn of the event loop (once, however many changes come before it). */
  schedule(): void {
    this.#dirty = true;
    if (this.#closed || this.#scheduled !== undefined) return;
    this.#scheduled = setImmediate(() => {
      this.#scheduled = undefined;
      // An answer may have published it since (a pass over every agent saved).
      if (this.#dirty) this.flush();
    });
  }

  /** Publishes now, if anything changed since the last time. */
  flush(): void {
    if (this.#closed) return;
    this.#dirty = false;
    const now = this.#snapshot();
    const text = JSON.stringify(now);
    if (text === this.#last) return;
    this.#last = text;
    try {
      if (somethingWaits({ server_pid: process.pid, updated_at: "", ...now })) {
        this.#file.write({ server_pid: process.pid, updated_at: new Date().toISOString(), ...now });
      } else {
        removePending(this.#path);
      }
    } catch {
      // A file we could not write leaves the hooks an older state or none: they then let the host go on.
      this.#last = "";
    }
  }

  /** Stops publishing and removes the file (if it is still ours). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#stop.abort();
    for (const off of this.#unsubscribe) off();
    try {
      removePending(this.#path);
    } catch {
      // Nothing to remove, or not ours to remove.
    }
  }

  // Only the agents an event named since the last publish are read again (see pending-entries.ts).
  #snapshot(): Published {
    const entries = this.#entries;
    entries?.refresh();
    return {
      running: entries?.running(this.#carried()) ?? [],
      permission_requests: entries?.permissions() ?? [],
      unread: (this.#supervisor?.waitable() ?? []).filter((id) => entries?.busy(id) !== true),
      messages_waiting: this.#mail,
    };
  }

  // Counts the waiting messages again; a store out of reach keeps the last count.
  async #recount(): Promise<void> {
    if (this.messaging === undefined) return;
    try {
      this.#mail = await this.messaging.mail.pending(this.messaging.self);
    } catch {
      // Published as it was; the watch below counts again once the store is back.
    }
  }

  // A message arriving raises no supervisor event: the mailbox is watched for ones not seen yet. A
  // networked store out of reach is waited out with backoff; any other failure ends the watch.
  async #watchMail({ mail, self }: { mail: MailboxStore; self: string }): Promise<void> {
    const stopped = (): boolean => this.#stop.signal.aborted;
    let seen = new Set<string>();
    let backoff = 0;
    while (!stopped()) {
      try {
        const waiting = await mail.peek(self);
        seen = new Set(waiting.map((m) => m.id));
        if (this.#mail !== waiting.length) {
          this.#mail = waiting.length;
          this.schedule();
        }
        backoff = 0;
        await mail.wait(self, 3_600_000, this.#stop.signal, (m) => !seen.has(m.id));
      } catch (error) {
        if (!isRetryable(error)) throw error;
        backoff = Math.min(Math.max(backoff * 2, 250), 5_000);
        await sleep(backoff, undefined, { signal: this.#stop.signal }).catch(() => undefined);
      }
    }
  }

  // The transport, with the file brought up to date as each answer (a message with an id and no
  // method) goes out: written right after the answer is handed over, in the same synchronous step,
  // so that the answer does not wait behind the file's system calls. Only the answers of calls that
  // take messages from the mailbox wait for a new count (a call to the store: a directory read, or
  // a round trip to Redis); arrivals are counted by the watch. A read-only call's answer publishes
  // nothing: it changed nothing, and the events since the last publish have theirs scheduled.
  #beforeAnswers(transport: Transport): Transport {
    const taking = new Set<RequestId>();
    const quiet = new Set<RequestId>();
    const send = (message: JSONRPCMessage, options?: Parameters<Transport["send"]>[1]): Promise<void> => {
      if (!("id" in message) || "method" in message) return transport.send(message, options);
      if (message.id !== undefined && taking.delete(message.id))
        return this.#recount().then(() => {
          this.flush();
          return transport.send(message, options);
        });
      if (message.id !== undefined && quiet.delete(message.id)) return transport.send(message, options);
      const sent = transport.send(message, options);
      this.flush();
      return sent;
    };
    return transportView(transport, {
      receive: (message) => {
        if (takesMail(message)) taking.add(message.id);
        else if (changesNothing(message)) quiet.add(message.id);
        return message;
      },
      send,
    });
  }
}

/** The tools that take messages from this server's mailbox (see messages.ts). */
const TAKING_TOOLS: ReadonlySet<string> = new Set(["inbox", "wait_inbox", "reply"]);

/** Calls that change nothing the file says (no agent, no report, no message is taken): `wait` takes reports, so it is not one. */
const QUIET_TOOLS: ReadonlySet<string> = new Set(["list_agents", "poll_agent", "transcript", "usage", "list_pool", "list_machines"]);

function changesNothing(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  if (!("method" in message) || !("id" in message)) return false;
  if (message.method === "ping" || message.method === "tools/list") return true;
  if (message.method !== "tools/call") return false;
  const name = (message.params as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && QUIET_TOOLS.has(name);
}

function takesMail(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  if (!("method" in message) || !("id" in message) || message.method !== "tools/call") return false;
  const name = (message.params as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && TAKING_TOOLS.has(name);
}
