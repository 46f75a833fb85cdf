import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { McpServerSpec, Provider, Supervisor } from "@subagent-mcp/core";
import { DEFAULT_TABLE, type Branch, type RoutingTable } from "@subagent-mcp/routing";
import { registerInterruptAgentTool } from "./tools/interrupt-agent.js";
import { registerKillAgentTool } from "./tools/kill-agent.js";
import { registerLaunchAgentTool } from "./tools/launch-agent.js";
import { registerListAgentsTool } from "./tools/list-agents.js";
import { registerPollAgentTool } from "./tools/poll-agent.js";
import { registerSendMessageTool } from "./tools/send-message.js";
import { registerWaitTool } from "./tools/wait.js";
import { registerInvokeTool } from "./tools/invoke.js";
import { registerListPoolTool } from "./tools/list-pool.js";
import { registerResetTool } from "./tools/reset.js";
import { registerWarmupTool } from "./tools/warmup.js";
import { PoolCatalog, type DefinitionSource } from "./pool-catalog.js";
import { registerOrchestrationModeTool, type OrchestrationState } from "./tools/orchestration-mode.js";
import { registerMessageTools } from "./tools/messages.js";
import type { Mailboxes } from "@subagent-mcp/mailbox";
import type { Ceiling } from "./permissions.js";
import { Outbox, OutboxServer } from "./delivery.js";
import { limitsFrom } from "./limits.js";

/** Groups of tools a server can be limited to (a worker's own server offers only messaging). */
export const TOOLSETS = ["sessions", "pool", "orchestration", "messaging"] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** What the MCP server is built from; the transport is the caller's business. */
export interface ServerDeps {
  supervisor: Supervisor;
  version: string;
  /** Working directory for launches that give none (default process.cwd()). */
  defaultCwd?: string;
  /** This server's nesting depth (see SUBAGENT_MCP_DEPTH). */
  depth?: number;
  /** Deepest nesting allowed (default 2). */
  maxDepth?: number;
  /** The most this server may grant its sub-agents (see SUBAGENT_MCP_PERMISSION_CEILING); none for a top-level server. */
  ceiling?: Ceiling;
  /** The supervisor's stall window, for hints (default 600 s). */
  stallSeconds?: number;
  /** How often a blocking `wait` sends progress notifications (default 5 s). */
  progressEveryMs?: number;
  /** Where pool agents come from (default: none defined). */
  definitions?: DefinitionSource;
  /** Pool replicas whose process tree passes this many MB are replaced between tasks. */
  poolRssCeilingMb?: number;
  /** Routing table (default: the built-in one) and default branch (default cost_efficiency). */
  routingTable?: RoutingTable;
  routingBranch?: Branch;
  /** Whether a provider's CLI is installed (default: assume so). */
  installed?: (provider: Provider) => boolean;
  /** Where orchestration mode is kept (default: in memory only). */
  orchestration?: OrchestrationState;
  /** Mailboxes for send_to / inbox / wait_inbox / reply, and this agent's name in them. */
  messaging?: { mail: Mailboxes; self: string };
  /** A sub-agent's own messaging server (see startChildEndpoint), given to every launched sub-agent under its mailbox name. */
  childServer?: (self: string) => McpServerSpec;
  /** Only these groups of tools (default: all). */
  toolsets?: readonly Toolset[];
  /** The result cap in characters of JSON (default: SUBAGENT_MCP_MAX_RESULT_CHARS, else 40 000). */
  maxResultChars?: number;
}

const INSTRUCTIONS: Record<Toolset, string> = {
  sessions: "Run sub-agents on Claude Code, Codex or Gemini CLI. launch_agent returns at once; wait blocks until turns finish (call again after its deadline); poll_agent shows status and output; send_message continues a live session; interrupt_agent ends a turn; kill_agent ends an agent.",
  pool: "Named agents from agent definition files run warm in a pool: invoke runs a task on one (list_pool, warmup, reset).",
  orchestration: "orchestration_mode turns delegation-first mode on or off.",
  messaging: "Agents message each other by name: send_to (to: \"*\" for everyone), inbox, wait_inbox (blocks until a message arrives) and reply.",
};

function inboxOf(messaging: { mail: Mailboxes; self: string }): { pending(): number; wait(ms: number, signal: AbortSignal): Promise<boolean> } {
  return { pending: () => messaging.mail.pending(messaging.self), wait: (ms, signal) => messaging.mail.wait(messaging.self, ms, signal) };
}

/** Builds the subagent-mcp MCP server with its session tools. */
export function createServer(deps: ServerDeps): McpServer {
  const offered = TOOLSETS.filter((set) => deps.toolsets === undefined || deps.toolsets.includes(set));
  const instructions = offered.filter((set) => set !== "messaging" || deps.messaging !== undefined).map((set) => INSTRUCTIONS[set]).join(" ");
  const maxResultChars = deps.maxResultChars ?? limitsFrom(process.env).maxResultChars;
  const outbox = new Outbox(maxResultChars);
  const server = new OutboxServer({ name: "subagent-mcp", version: deps.version }, { instructions }, outbox);
  const tools = {
    supervisor: deps.supervisor,
    defaultCwd: deps.defaultCwd ?? process.cwd(),
    depth: deps.depth ?? 0,
    maxDepth: deps.maxDepth ?? 2,
    ceiling: deps.ceiling,
    stallSeconds: deps.stallSeconds ?? 600,
    progressEveryMs: deps.progressEveryMs ?? 5_000,
    routing: { table: deps.routingTable ?? DEFAULT_TABLE, branch: deps.routingBranch ?? "cost_efficiency", installed: deps.installed ?? (() => true) },
    maxResultChars,
    ...(deps.messaging === undefined ? {} : { inbox: inboxOf(deps.messaging) }),
    ...(deps.messaging === undefined || deps.childServer === undefined ? {} : { children: { parent: deps.messaging.self, server: deps.childServer } }),
  };
  const wanted = (set: Toolset): boolean => offered.includes(set);
  if (wanted("sessions")) {
    registerLaunchAgentTool(server, tools);
    registerPollAgentTool(server, tools);
    registerSendMessageTool(server, tools);
    registerWaitTool(server, tools);
    registerListAgentsTool(server, tools);
    registerInterruptAgentTool(server, tools);
    registerKillAgentTool(server, tools);
  }
  if (wanted("pool")) {
    const catalog = new PoolCatalog(deps.supervisor, deps.definitions ?? (() => ({ definitions: [], problems: [] })), tools.defaultCwd, {
      ...(deps.poolRssCeilingMb === undefined ? {} : { rssCeilingMb: deps.poolRssCeilingMb }),
      lineage: { depth: tools.depth, maxDepth: tools.maxDepth, ceiling: deps.ceiling },
    });
    registerInvokeTool(server, catalog, maxResultChars);
    registerWarmupTool(server, catalog);
    registerListPoolTool(server, catalog);
    registerResetTool(server, catalog);
  }
  let mode = false;
  if (wanted("orchestration")) registerOrchestrationModeTool(server, deps.orchestration ?? { get: () => mode, set: (on) => (mode = on), scope: tools.defaultCwd });
  if (deps.messaging !== undefined && wanted("messaging")) registerMessageTools(server, { ...deps.messaging, outbox, maxResultChars });
  return server;
}
