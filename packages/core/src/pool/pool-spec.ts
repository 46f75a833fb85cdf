// The pool's shapes: what a pool agent is (its spec), what invoke answers, and the replicas and
// tasks the pool keeps for each agent.
import type { LaunchRequest } from "../lifecycle/agent.js";
import type { Clock } from "../supervisor/clock.js";
import type { Usage, AgentStatus, Receipt } from "@subagent-mcp/contract";

/** How a replica gets a clean context between tasks. */
export type ResetStrategy = "reset" | "respawn";

/** One named pool agent: how to launch its replicas and how to keep them. */
export interface PoolAgentSpec {
  name: string;
  launch: Omit<LaunchRequest, "prompt" | "label">;
  replicas: number;
  /** A replica's process is replaced after serving this many tasks. */
  maxTurnsPerProcess: number;
  /** "reset": a confirmed in-process reset; "respawn": a fresh process, a pre-warmed spare taking over. */
  resetStrategy: ResetStrategy;
  /**
   * After each task, before the replica takes the next: puts the task's work somewhere of its own
   * (e.g. a branch) and returns the replica's workspace to its start. What it returns reaches the
   * task's caller as `work`. A failure retires the replica (its workspace, with the work, is left as is).
   */
  settle?: (agentId: string, task: string) => Promise<Record<string, unknown> | undefined>;
  /** Compared, with the rest, when the agent is defined again (functions are not): what its functions do, e.g. "worktree from main". */
  variant?: string;
}

/** A task's answer, delivered to its own caller. */
export interface InvokeResult {
  status: "done";
  result: string;
  isError: boolean;
  usage: Usage;
  costUsd: number | undefined;
  durationMs: number;
  replica: number;
  agentId: string;
  /** What the spec's `settle` said about the task's work (e.g. the branch holding it). */
  work?: Record<string, unknown>;
  /** What the task's turn did (with a witness). */
  receipt?: Receipt;
}

/** The deadline passed first: the task goes on, and `wait` on `agentId` reports it. */
export interface InvokeRunning {
  status: "running";
  replica: number;
  agentId: string;
}

export interface PoolOptions {
  clock?: Clock;
  /** Memory of a process tree in MB (I/O lives outside core: the caller reads /proc). */
  memoryMb?: (pid: number) => number | undefined;
  /** A replica whose process tree passes this many MB is replaced after its task (default none). */
  rssCeilingMb?: number;
  /** A task running this long is interrupted so it can't run into the next one (default 10 min). */
  taskTimeoutMs?: number;
}

/** A replica as `list_pool` shows it. */
export interface ReplicaView {
  replica: number;
  agentId: string | undefined;
  pid: number | undefined;
  /** The replica agent's lifecycle status. */
  status: AgentStatus | undefined;
  busy: boolean;
  turnsServed: number;
  rssMb: number | undefined;
  /** The machine of the fleet it runs on, when not this one. */
  machine?: string | undefined;
}

export interface Task {
  text: string;
  settle: (outcome: InvokeResult | InvokeRunning | Error) => void;
  /** The caller stopped waiting: the result stays with the supervisor for `wait`. */
  detached: boolean;
  /** Told which agent took the task and which of its turns answers it. */
  started?: (agentId: string, turn: number) => void;
}

export interface Replica {
  index: number;
  agentId: string | undefined;
  /** Set while a task (or the context reset after it) occupies the replica. */
  busy: boolean;
  turnsServed: number;
  running: { task: Task; turn: number; timer: unknown } | undefined;
}

export interface Entry {
  spec: PoolAgentSpec;
  replicas: Replica[];
  queue: Task[];
  spare: string | undefined;
}
