import type { AgentEvent } from "./events.js";
import type { McpServerSpec, Provider, PermissionDecision, PermissionRequest } from "@subagent-mcp/contract";

/** What an agent's rules say about one request, and why (for the audit). */
export interface PermissionRuling {
  decision: "allow" | "deny" | "ask";
  /** The rule that decided, when one did. */
  rule?: string;
  why: string;
}

/**
 * An MCP server given to a sub-agent, each driver passing it the way its CLI takes it: a process
 * on stdio, or a streamable-HTTP endpoint (no process per sub-agent).
 */
export type { McpServerSpec };

/** How to start one CLI session. Drivers ignore fields their CLI has no equivalent for. */
export interface SessionSpec {
  /** Working directory of the CLI process; must exist. */
  cwd: string;
  model?: string;
  effort?: string;
  /** Appended to the CLI's own system prompt. */
  systemPromptAppend?: string;
  allowedTools?: string[];
  /** The built-in tools that exist at all ([] = none; Claude Code `--tools`); absent: the CLI's default set. */
  builtinTools?: string[];
  disallowedTools?: string[];
  permissionMode?: string;
  /** Extra environment variables for the CLI process, over the inherited environment. */
  env?: Record<string, string>;
  /**
   * Variables (of `env` or inherited) that the MCP servers the CLI starts must see too. Claude
   * Code and Gemini CLI pass them their whole environment; Codex only a few unless told.
   */
  mcpEnv?: string[];
  /**
   * The W3C traceparent of the agent's span while tracing is on: a CLI that joins a trace
   * (Claude Code through TRACEPARENT, Codex through each request's `trace`) continues it.
   */
  traceparent?: string;
  /** A provider session/thread id to resume with its history. */
  resume?: string;
  /** A session id to create the conversation under (Claude Code `--session-id`). */
  sessionId?: string;
  /**
   * The sub-agent's mailbox name, for a machine of the fleet to hand it messaging tools of its own
   * there (the orchestrator's loopback endpoint is not reachable from another machine); ignored here.
   */
  mailbox?: string;
  /** MCP servers for the sub-agent: JSON text or a file path (Claude Code `--mcp-config`). */
  mcpConfig?: string;
  /** MCP servers for the sub-agent, for every CLI (Claude: beside `mcpConfig`; Codex: thread config; ACP: session/new). */
  mcpServers?: McpServerSpec[];
  /**
   * The handed server of `mcpServers` named `name` takes the place of the user's entry of that name
   * (ours, which would start a server process of its own): each driver tells its CLI so its own way.
   * `others`: the names of the user's other entries, for a CLI that can only be given an allow-list;
   * `in`: the providers whose config was found to hold that entry.
   */
  ownEntry?: { name: string; others: readonly string[]; in: readonly string[] };
  /** Only the MCP servers given here, none of the user's (Claude Code `--strict-mcp-config`). */
  strictMcpConfig?: boolean;
  /** Settings JSON text or file path (Claude Code `--settings`). */
  settings?: string;
  /**
   * Ask instead of refusing: a tool use the CLI would ask a person about becomes a
   * `permission_request` event and waits for `respondPermission` (absent: the CLI's own headless
   * behaviour, which denies).
   */
  askPermissions?: boolean;
  /**
   * The agent's deny and ask rules (Claude Code's syntax), for a driver to hand its CLI where the
   * CLI enforces such rules itself: a second line of defence beside {@link precheck}.
   */
  rules?: { deny?: string[]; ask?: string[] };
  /**
   * The rules' verdict on a tool use the CLI may not ask about (a read it allows on its own, a
   * command it thinks safe), for drivers that can see every tool use before it runs. A `deny`
   * must be enforced; an `ask` that names a `rule` must become a permission request; anything
   * else lets the CLI go on as it would. Synchronous and cheap; the supervisor audits what it
   * refuses.
   */
  precheck?: (request: PermissionRequest) => PermissionRuling;
}

/**
 * One live CLI conversation in one process. Contract for drivers: every `send` is answered by
 * exactly one `turn_end`, in order, unless the process exits first (then an `exit` event ends
 * them all); events are delivered through the listener given to {@link Driver.start}.
 */
export interface Session {
  /** The CLI's process id, once spawned. */
  readonly pid: number | undefined;
  /** The machine it runs on, once chosen, when not this one (a session of the fleet). */
  readonly machine?: string | undefined;
  /** Its git worktree on that machine, as the machine last reported it. */
  readonly worktree?: SessionWorktree | undefined;
  /** Queues a user turn; sent at once when idle, after the running turn(s) otherwise. */
  send(text: string): void;
  /** Ends the running turn (it ends with `turn_end` and `interrupted: true`); the session goes on. */
  interrupt(): Promise<void>;
  /**
   * Starts a fresh conversation in the same process (after any queued turns) and resolves once the
   * CLI has confirmed it. It produces no turn events; the new provider session id comes as `started`.
   */
  reset(): Promise<void>;
  /** Ends the session politely: closes stdin and waits a short grace period, then kills. */
  close(): Promise<void>;
  /** Ends the whole process tree at once. */
  kill(): Promise<void>;
  /** Answers a `permission_request` of this session (ignored when it is no longer pending). */
  respondPermission?(requestId: string, decision: PermissionDecision): void;
}

/** A session's git worktree on another machine, in the shape the tools show it (snake_case, as on the wire). */
export interface SessionWorktree {
  path: string;
  branch: string;
  base: string;
  state: "active" | "kept" | "removed";
  head?: string;
  changed_files?: number;
  uncommitted?: number;
  ahead?: number;
  error?: string;
}

/** Starts sessions of one provider's CLI. `start` never blocks on the CLI: it spawns and returns. */
export interface Driver {
  readonly provider: Provider;
  /** `agentId`: the supervisor's id of the agent the session serves (a driver that runs it elsewhere tells it there). */
  start(spec: SessionSpec, onEvent: (event: AgentEvent) => void, agentId?: string): Session;
}
