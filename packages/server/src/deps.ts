import type { Delivery, TaskStore } from "@subagent-mcp/mcp-transport";
import type { Budget, Driver, LaunchGate, Supervisor } from "@subagent-mcp/core";
import type { PermissionRules } from "@subagent-mcp/permissions";
import type { MailboxStore } from "@subagent-mcp/mailbox";
import type { Branch, RoutingTable } from "@subagent-mcp/routing";
import type { Ceiling } from "@subagent-mcp/permissions";
import type { PoolCatalog } from "./pool/pool-catalog.js";
import type { DefinitionSource } from "@subagent-mcp/config";
import type { OrchestrationState } from "./tools/orchestration-mode.js";
import type { WorktreeSettings } from "@subagent-mcp/worktrees";
import type { Runtime } from "./runtime/runtime.js";
import type { AgentServers } from "./nesting/agent-servers.js";
import type { NodeInfo, Provider } from "@subagent-mcp/contract";
import type { JournalSettings } from "@subagent-mcp/journal";
import type { SharedBudgetSettings } from "@subagent-mcp/budgets";
import type { SpendSettings } from "@subagent-mcp/budgets";
import type { PriceTable } from "@subagent-mcp/usage/schema";
import type { PendingSettings } from "./endpoints/pending.js";
import type { ControlSettings } from "./endpoints/control-endpoint.js";
import type { AgentSpans, Tracer } from "@subagent-mcp/tracing";
import type { Sandbox } from "@subagent-mcp/sandbox";
import type { BoardSource, TeamHub } from "@subagent-mcp/team";

import type { Toolset } from "@subagent-mcp/contract/handshake";
export { TOOLSETS, type Toolset } from "@subagent-mcp/contract/handshake";

/** What the MCP server is built from, by concern, each group fed by its slice of the config; the transport is the caller's business. */
export interface ServerDeps {
  /**
   * Runs the agents: a supervisor, or how to make one on the first call that needs it (which is
   * when its drivers load); `newId` makes agent ids the journal has claimed, and `launchGate` is
   * what the supervisor's `schedule` should be to start CLIs only once the calls launching them
   * are answered (`createSupervisor` does so; a supervisor made otherwise starts them at once).
   */
  supervisor: Supervisor | ((options: { newId?: () => string; launchGate: LaunchGate; spans?: AgentSpans }) => Promise<Supervisor>);
  /** What this server is and offers. */
  serving: ServingDeps;
  /** What every launch and pool replica runs with. */
  agents?: AgentDeps;
  /** Where this server stands in a tree of servers (a nested one runs under a sub-agent). */
  nesting?: NestingDeps;
  /** How a launch picks its provider, model and effort. */
  routing?: RoutingDeps;
  /** What agents may spend, and where spending is recorded. */
  spending?: SpendingDeps;
  /** What outlives a call: journals, the orchestrator's pending list, orchestration mode, worktrees. */
  persistence?: PersistenceDeps;
  /** Mailboxes for send_to / inbox / wait_inbox / reply, and this agent's name in them. */
  messaging?: MessagingDeps;
  /** The fleet (other machines over the shared Redis), made by the first launch that names a machine or list_machines; undefined: no fleet configured. */
  fleet?: () => Promise<FleetAccess>;
  /** Bounds on answers and their pace. */
  limits?: LimitDeps;
}

export interface ServingDeps {
  version: string;
  /** Only these groups of tools (default: all). */
  toolsets?: readonly Toolset[];
  /**
   * Where spans go: the tracer startTracing returned (default OFF, nothing traced). While it is on,
   * tool calls are spans, and a supervisor made from the factory is given the AgentSpans of its agents.
   */
  tracer?: Tracer;
  /**
   * Serve this server's sessions and pool tools (less `wait`) and its change events to the dashboard
   * on a loopback endpoint started with the server, published in `<stateDir>/servers/<pid>.json`
   * (default: none).
   */
  control?: ControlSettings;
}

export interface AgentDeps {
  /** Working directory for launches that give none (default process.cwd()). */
  defaultCwd?: string;
  /** Rules from the config files for every launch and pool replica, before their own (default none); a nested server keeps only the allow rules its ceiling covers. */
  permissions?: PermissionRules;
  /** Where pool agents come from, read on every pool call (default: none defined). */
  definitions?: DefinitionSource;
  /** Pool replicas whose process tree passes this many MB are replaced between tasks. */
  poolRssCeilingMb?: number;
  /** The supervisor's stall window, for hints (default 600 s). */
  stallSeconds?: number;
  /** The OS sandbox every agent CLI of this server runs in (its status is in each launch's answer); none: not known here. */
  sandbox?: Sandbox;
}

export interface NestingDeps {
  /** This server's nesting depth (see SUBAGENT_MCP_DEPTH; default 0). */
  depth?: number;
  /** Deepest nesting allowed: a server at this depth refuses to launch (default 2). */
  maxDepth?: number;
  /** The most this server may grant its sub-agents (see SUBAGENT_MCP_PERMISSION_CEILING); none for a top-level server. */
  ceiling?: Ceiling;
  /** The agents this server runs under, top first (see SUBAGENT_MCP_LINEAGE): a nested server sees only the journal's agents below them. */
  lineage?: readonly string[];
}

export interface RoutingDeps {
  /** Routing table (default: the built-in one). */
  table?: RoutingTable;
  /** Default routing branch (default cost_efficiency). */
  branch?: Branch;
  /** Providers of the project's config left out until the user trusts it (again): a launch naming one is told why. */
  withheldProviders?: Readonly<Record<Provider, string>>;
  /** Whether a provider's CLI is installed (default: assume so). */
  installed?: (provider: Provider) => boolean;
}

export interface SpendingDeps {
  /** Each agent's budget unless its launch or definition sets its own limits (config `budget`). */
  budget?: Budget;
  /** Budgets over all of this server's agents and over the project's day (config `budgets`): reaching one refuses launches. */
  budgets?: SharedBudgetSettings;
  /** Config `quota_percent`: a provider whose CLI reported a window used this much gets no new launch (default: off). */
  quotaPercent?: number;
  /** The state folder's spend ledger every finished turn is appended to, and the config's `spend_caps` launches are held to. */
  spend?: SpendSettings;
  /** Model prices over the built-in ones (config `prices`), for routing's expected costs and the daily budget's reading of the journal. */
  prices?: PriceTable;
}

export interface PersistenceDeps {
  /** Where agents' journals go (default: nowhere: nothing outlives the server, and there is nothing to resume). */
  journal?: JournalSettings;
  /** Where to publish what waits for this server's orchestrator, for the host's hooks (default: nowhere). */
  pending?: PendingSettings;
  /** Where orchestration mode is kept (default: in memory only). */
  orchestration?: OrchestrationState;
  /** Where `isolation: "worktree"` puts worktrees and how it readies them (default: the state dir from the environment, no setup). */
  worktrees?: WorktreeSettings;
  /** Where team boards are kept (default: none, and no board tools). */
  boards?: BoardSource;
}

export interface MessagingDeps {
  mail: MailboxStore;
  self: string;
  /**
   * Every launched sub-agent gets messaging tools of its own under a mailbox name, served over one
   * loopback endpoint started on the first launch that needs it (default: off).
   */
  children?: boolean;
}

export interface LimitDeps {
  /** The result cap in characters of JSON (default: SUBAGENT_MCP_MAX_RESULT_CHARS, else 40 000). */
  maxResultChars?: number;
  /** How often a blocking `wait` sends progress notifications (default 5 s). */
  progressEveryMs?: number;
}

/** What a launch elsewhere asks of its machine beyond the session: a git worktree of its own there (branch subagent/NAME from base). */
export interface RemoteAsks {
  worktree?: { name: string; base?: string; label?: string };
  /** Keep running there when this server goes away: its turn runs to its end, then it ends. */
  outlive?: boolean;
}

/** The machines of the fleet, as the server uses them (`@subagent-mcp/fleet`'s FleetClient). */
export interface FleetAccess {
  machines(): Promise<NodeInfo[]>;
  /** A driver for `provider` on `machine` (a node's name or "any"), placed now: an unknown or full machine is this call's error. */
  driverOn(machine: string, provider: string, options?: RemoteAsks): Promise<{ node: string; driver: Driver }>;
  /** The same, placed as each session starts (a pool's replicas, a failover's next candidate); a session that cannot be placed ends with the reason. */
  driverAt(machine: string, provider: string, options?: RemoteAsks): Driver;
  /** This server is going away: agents launched to outlive it are left to their machines (ending them is then a no-op here). */
  leave(): void;
  close(): Promise<void>;
}

/** {@link ServerDeps} as the tools read them: flat, defaults applied, and the costly parts made on first use. */
export interface ToolDeps {
  /** The supervisor and what lives as long as it (journal, budgets, spend caps, worktrees), made by the first call that needs them. */
  runtime(): Promise<Runtime>;
  defaultCwd: string;
  depth: number;
  maxDepth: number;
  stallSeconds: number;
  progressEveryMs: number;
  routingTable: RoutingTable;
  routingBranch: Branch;
  installed: (provider: Provider) => boolean;
  orchestration: OrchestrationState;
  maxResultChars: number;
  /** What each answer waits for before it goes out: the journal's writes of the turns and ends it may report (Delivery's heldUntil). */
  heldUntil?: () => Promise<void> | undefined;
  permissions: PermissionRules;
  tracer: Tracer;
  ceiling?: Ceiling | undefined;
  lineage?: readonly string[] | undefined;
  messaging?: { mail: MailboxStore; self: string } | undefined;
  budget?: Budget | undefined;
  fleet?: (() => Promise<FleetAccess>) | undefined;
  withheldProviders?: Readonly<Record<Provider, string>> | undefined;
  quotaPercent?: number | undefined;
  sandbox?: Sandbox | undefined;
  /** The pool behind invoke, warmup, list_pool and reset (made by the first of them), its definitions read again. */
  pool(): Promise<PoolCatalog>;
  /** The servers each sub-agent is handed on the loopback endpoint, and the tree of who started whom; undefined where no sub-agent gets one (a rehearsal). */
  agentServers: AgentServers | undefined;
  /** Whether each sub-agent gets its own messaging server (`messaging.children`). */
  childMailbox: boolean;
  /** The agent these tools act for (its own tools, on the agent endpoint); undefined: the orchestrator's. */
  launchedBy?: string | undefined;
  /** Whether sub-agent `self` called a server it was handed; undefined when it was handed none. */
  messagingReached: (self: string) => boolean | undefined;
  /** Where this server's answers go out (a taken message is acknowledged once its answer was sent). */
  delivery: Delivery;
  /** This server's delegation tasks (MCP tasks extension); calls become tasks only for a host that takes them. */
  tasks?: TaskStore;
  /** Entered by the calls that start agents (launch_agent, resume_agent, invoke, warmup) while they are answered. */
  gate: LaunchGate;
  /** The built-in prices with the config's `prices` over them, merged once per server: every launch prices its candidates with it. */
  priceTable: PriceTable;
  /** The team boards and the members working them; undefined: no board tools. */
  team?: TeamHub | undefined;
  /** The name the MCP client that started this server gave (its `clientInfo`), once it connected: "inherit" reads that host's MCP servers. */
  clientName: () => string | undefined;
}
