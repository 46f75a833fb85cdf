import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

import { capToolResult } from "./limits.js";
import type { TaskStatus, WireTask } from "./tasks-wire.js";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

/** What a running task may do while it works. */
export interface TaskControl {
  /** Aborted when the host cancels the task. */
  readonly signal: AbortSignal;
  /** Says what the task is doing now (e.g. "a1b2 is running turn 2"). */
  status(message: string): void;
  /**
   * Parks the task in `input_required` with these requests until the host answers them through
   * `tasks/update` (or the returned promise is abandoned by `settle`). Resolves with the answers by key.
   * Only an update that answers every request, and that `accepts` takes, closes the questions.
   */
  ask(requests: Record<string, unknown>, message: string, accepts?: (responses: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Leaves `input_required` without an answer (the question was answered elsewhere). */
  settle(message: string): void;
  /** Names the agent whose turn the task carries (its host hears of that turn from the task). */
  carries(agentId: string): void;
}

/** One task: how it runs, and how a cancel stops what it runs. */
export interface TaskWork {
  run(control: TaskControl): Promise<CallToolResult>;
  /** Stops the work (interrupts the sub-agent's turn); the task is cancelled whatever it answers. */
  cancel(): Promise<void>;
}

export interface TaskStoreOptions {
  /** The cap every tool result is held to; a task's result is one. */
  maxResultChars: number;
  /** How long a finished task stays readable (default 1 h). */
  ttlMs?: number;
  /** What the host is asked to poll at. */
  pollIntervalMs?: number;
  now?: () => number;
}

interface Entry {
  task: WireTask;
  agentId?: string;
  controller: AbortController;
  work: TaskWork;
  answer?: (responses: Record<string, unknown>) => void;
  accepts?: (responses: Record<string, unknown>) => boolean;
  endedAt?: number;
}

const TERMINAL: readonly TaskStatus[] = ["completed", "failed", "cancelled"];

/**
 * Finished tasks kept at most, oldest dropped first, whatever their age: each holds a result of up
 * to the result cap (40 000 characters), and a host reads it within a poll of its end.
 */
const MAX_FINISHED = 100;

/**
 * The tasks of one MCP server, in memory: `tasks/get` answers from here without touching anything
 * else. Each task runs its work once; its status changes are told to listeners (the push to the host).
 */
export class TaskStore {
  readonly #tasks = new Map<string, Entry>();
  readonly #listeners = new Set<(task: WireTask) => void>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(private readonly options: TaskStoreOptions) {
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.#now = options.now ?? Date.now;
  }

  /** Starts `work` as task `wanted` (made unique if taken) and returns the task as created (status working). */
  start(wanted: string, statusMessage: string, work: TaskWork): WireTask {
    this.#prune();
    let taskId = wanted;
    for (let n = 2; this.#tasks.has(taskId); n++) taskId = `${wanted}.${n}`;
    const at = new Date(this.#now()).toISOString();
    const task: WireTask = {
      taskId,
      status: "working",
      statusMessage,
      createdAt: at,
      lastUpdatedAt: at,
      ttlMs: this.#ttlMs,
      ...definedFields({ pollIntervalMs: this.options.pollIntervalMs }),
    };
    const entry: Entry = { task, controller: new AbortController(), work };
    this.#tasks.set(taskId, entry);
    void work.run(this.#control(entry)).then(
      (result) => {
        this.#end(entry, { status: "completed", result: capToolResult(result, this.options.maxResultChars) });
      },
      (error: unknown) => {
        this.#end(entry, { status: "failed", error: { code: -32603, message: errorMessage(error) } });
      },
    );
    return { ...task };
  }

  /** The task as it is now, or undefined when there is none (never made, or expired). */
  get(taskId: string): WireTask | undefined {
    const entry = this.#tasks.get(taskId);
    return entry === undefined ? undefined : { ...entry.task };
  }

  /** Cancels a task that has not finished; a finished one is left as it is. Returns it as it is then. */
  async cancel(taskId: string): Promise<WireTask | undefined> {
    const entry = this.#tasks.get(taskId);
    if (entry === undefined) return undefined;
    if (!TERMINAL.includes(entry.task.status)) {
      this.#end(entry, { status: "cancelled", statusMessage: "cancelled by the host" });
      entry.controller.abort();
      await entry.work.cancel();
    }
    return { ...entry.task };
  }

  /**
   * Hands the host's answers to a task waiting in input_required. False, and the questions stay
   * open, when it waits for none or the update is not their answer (a key missing, a malformed one):
   * a stray update must not use up a question that only the real answer may close.
   */
  update(taskId: string, responses: Record<string, unknown>): boolean {
    const entry = this.#tasks.get(taskId);
    if (entry?.answer === undefined || entry.task.status !== "input_required") return false;
    const asked = Object.keys(entry.task.inputRequests ?? {});
    if (!asked.every((key) => Object.hasOwn(responses, key)) || entry.accepts?.(responses) === false) return false;
    const answer = entry.answer;
    entry.answer = undefined;
    entry.accepts = undefined;
    this.#set(entry, { status: "working", inputRequests: undefined, statusMessage: "answered; working" });
    answer(responses);
    return true;
  }

  /** Calls `listener` with a task each time its status changes; returns its removal. */
  onChange(listener: (task: WireTask) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The agents whose running turn an unfinished task carries: their host hears of them without asking. */
  carried(): Set<string> {
    const agents = new Set<string>();
    for (const entry of this.#tasks.values()) if (entry.agentId !== undefined && !TERMINAL.includes(entry.task.status)) agents.add(entry.agentId);
    return agents;
  }

  /** Cancels every unfinished task's work (the server is closing). */
  close(): void {
    for (const entry of this.#tasks.values()) if (!TERMINAL.includes(entry.task.status)) entry.controller.abort();
  }

  #control(entry: Entry): TaskControl {
    return {
      signal: entry.controller.signal,
      status: (message) => {
        if (entry.task.status === "working") this.#set(entry, { statusMessage: message });
      },
      ask: (requests, message, accepts) =>
        new Promise((resolve) => {
          if (TERMINAL.includes(entry.task.status)) return;
          entry.answer = resolve;
          entry.accepts = accepts;
          this.#set(entry, { status: "input_required", inputRequests: requests, statusMessage: message });
        }),
      carries: (agentId) => {
        entry.agentId = agentId;
        for (const listener of this.#listeners) listener({ ...entry.task });
      },
      settle: (message) => {
        if (entry.task.status !== "input_required") return;
        entry.answer = undefined;
        this.#set(entry, { status: "working", inputRequests: undefined, statusMessage: message });
      },
    };
  }

  #end(entry: Entry, change: Partial<WireTask>): void {
    if (TERMINAL.includes(entry.task.status)) return;
    entry.answer = undefined;
    entry.endedAt = this.#now();
    this.#set(entry, { ...change, inputRequests: undefined });
  }

  #set(entry: Entry, change: Partial<WireTask>): void {
    const next: WireTask = { ...entry.task, ...change, lastUpdatedAt: new Date(this.#now()).toISOString() };
    if (next.inputRequests === undefined) delete next.inputRequests;
    entry.task = next;
    for (const listener of this.#listeners) listener({ ...next });
  }

  // Finished tasks past their ttl go, and the oldest beyond MAX_FINISHED; running ones always stay.
  #prune(): void {
    const now = this.#now();
    const finished: [string, Entry][] = [];
    for (const [id, entry] of this.#tasks) {
      if (entry.endedAt === undefined) continue;
      if (now - entry.endedAt > this.#ttlMs) this.#tasks.delete(id);
      else finished.push([id, entry]);
    }
    for (const [id] of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED))) this.#tasks.delete(id);
  }
}
