import { LaunchGate } from "./launch/launch-gate.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Supervisor } from "@subagent-mcp/core";
import { DEFAULT_TABLE } from "@subagent-mcp/routing";
import { Delivery, DeliveryServer } from "./transport/delivery.js";
import { DEFAULT_PRICES, mergePrices } from "@subagent-mcp/usage";
import type { CategoryTypicals } from "@subagent-mcp/config";
import { TOOLSETS, type ServerDeps, type ToolDeps, type Toolset, type WorktreeHub } from "./deps.js";
import type { AgentJournal } from "./runtime/journal.js";
import type { SharedBudgets } from "@subagent-mcp/budgets";
import { TreeSpend } from "@subagent-mcp/budgets";
import { AgentSpans, OFF } from "@subagent-mcp/tracing";
import { childServers, type ChildServers } from "./nesting/child-servers.js";
import { OnFirstUse } from "./runtime/first-use.js";
import { sharedBudgets, supervisorFrom, worktreeHub } from "./runtime/runtime-parts.js";
import { PendingPublisher } from "./endpoints/pending.js";
import { ChangeFeed } from "./endpoints/change-feed.js";
import { limitsFrom } from "./transport/limits.js";
import { CONFIG_DEFAULTS } from "@subagent-mcp/config";
import { withinCeiling } from "@subagent-mcp/permissions";
import { registerInterruptAgentTool } from "./tools/interrupt-agent.js";
import { registerInvokeTool } from "./tools/invoke.js";
import { registerKillAgentTool } from "./tools/kill-agent.js";
import { registerStopAgentsTool } from "./tools/stop-agents.js";
import { stopAgents } from "./runtime/stop-tree.js";
import { registerLaunchAgentTool } from "./tools/launch-agent.js";
import { CHILD_SERVER } from "./launch/launch-steps.js";
import { registerListAgentsTool } from "./tools/list-agents.js";
import { watchSpend } from "./launch/spend-caps.js";
import { registerListPoolTool } from "./tools/list-pool.js";
import { registerMessageTools } from "./tools/messages.js";
import { registerOrchestrationModeTool } from "./tools/orchestration-mode.js";
import { registerListMachinesTool } from "./tools/list-machines.js";
import { registerPollAgentTool } from "./tools/poll-agent.js";
import { registerResetTool } from "./tools/reset.js";
import { registerRespondPermissionTool } from "./tools/respond-permission.js";
import { registerResumeAgentTool } from "./tools/resume-agent.js";
import { registerTranscriptTool } from "./tools/transcript.js";
import { registerUsageTool } from "./tools/usage.js";
import { registerSendMessageTool } from "./tools/send-message.js";
import { registerWaitTool } from "./tools/wait.js";
import { registerWarmupTool } from "./tools/warmup.js";
import type { TaskStore } from "./tasks/store.js";
import { serveTasks } from "./tasks/serve.js";
import { TASK_INSTRUCTIONS, taskStore } from "./tasks/settings.js";
import { definedFields } from "@subagent-mcp/contract/fields";
import { HOST_CWD_CAPABILITY } from "./launch/host-cwd.js";

/** The MCP server, and how to end what it started. */
interface SubagentServer {
  server: McpServer;
  /** Ends what the server made, in this order: the supervisor it made (with every agent), the server, the sub-agents' endpoint. */
  close: () => Promise<void>;
  /**
   * Makes in the background what the first launch needs (the supervisor and its drivers, the
   * journal, the sub-agents' endpoint), so that no launch_agent call pays for it. Never throws:
   * what fails here fails again, and is reported, in the call that needs it.
   */
  warm: () => Promise<void>;
  /**
   * Ends every agent (or those of `ids`) and what it started (a nested server's part of a tree kill, an
   * agent the user stopped on its machine of the fleet), journaled as the user's stop when `byUser`.
   */
  stopAll: (byUser: boolean, ids?: readonly string[]) => Promise<void>;
}

const INSTRUCTIONS: Record<Toolset, string> = {
  sessions:
    "Run sub-agents on Claude Code, Codex or Gemini CLI. launch_agent returns at once; wait blocks until turns finish (call again after its deadline); poll_agent shows status and output; send_message continues a live session; interrupt_agent ends a turn; kill_agent ends an agent. A sub-agent that asks permission for a tool use waits (status permission_requested) and shows in wait's permission_requests: answer with respond_permission. transcript reads an agent's conversation; list_agents {include_past: true} shows agents of earlier sessions, and resume_agent continues one.",
  pool: "Named agents from agent definition files run warm in a pool: invoke runs a task on one (list_pool, warmup, reset).",
  orchestration: "orchestration_mode turns delegation-first mode on or off.",
  messaging: 'Agents message each other by name: send_to (to: "*" for everyone), inbox, wait_inbox (blocks until a message arrives) and reply.',
};

/** What every server of one createServer shares: the tools' deps, less each server's own delivery and tasks. */
type Shared = Omit<ToolDeps, "delivery" | "tasks" | "clientName">;

/**
 * Builds the subagent-mcp MCP server with its tools. It owns what it makes on first use: the
 * supervisor when given as a factory, the pool, and (with `childMessaging`) the loopback endpoint
 * where launched sub-agents reach their own messaging tools; `close()` ends them.
 */
export function createServer(deps: ServerDeps): SubagentServer {
  const defaultCwd = deps.defaultCwd ?? process.cwd();
  let journal: AgentJournal | undefined;
  let budgets: SharedBudgets | undefined;
  const pending = deps.pending === undefined ? undefined : new PendingPublisher(deps.pending, deps.messaging);
  const feed = deps.control === undefined ? undefined : new ChangeFeed();
  const gate = new LaunchGate();
  // Merged once: every launch prices its candidates with it, and the daily budget reads the journal with it.
  const priceTable = mergePrices(DEFAULT_PRICES, deps.prices);
  // While tracing is on, each agent's life, turns and waits are spans (a worktree's setup among them).
  const spans = deps.tracer?.on === true ? new AgentSpans(deps.tracer) : undefined;
  const supervisor = supervisorFrom(
    deps.supervisor,
    gate,
    async () => {
      if (deps.journal === undefined) return undefined;
      const { AgentJournal } = await import("./runtime/journal.js");
      journal = new AgentJournal(deps.lineage === undefined ? deps.journal : { ...deps.journal, lineage: deps.lineage }, defaultCwd, gate.schedule);
      return journal;
    },
    [pending, feed],
    async (made) => {
      budgets = await sharedBudgets(deps, made, defaultCwd, priceTable);
      watchSpend(deps.spend, made);
    },
    spans,
  );
  const worktrees = worktreeHub(deps, supervisor.get, spans);
  // What the servers under our sub-agents spend, counted against each one's budget and ours.
  const tree = new TreeSpend(supervisor.get, () => budgets);
  // Each sub-agent's own server: the messaging tools alone, speaking for its mailbox.
  const children = childServers(deps, gate, tree, (messaging, withhold) =>
    build({ ...shared, messaging, childServer: undefined }, ["messaging"], deps.version, { withhold, tasks: false }),
  );
  const { childServer, treeUrl } = children;
  const shared = {
    ...settle(deps, supervisor.get, worktrees),
    gate,
    journal: { made: () => journal },
    budgets: { made: () => budgets },
    messagingReached: children.messagingReached,
    priceTable,
    // Read through the journal, made with the supervisor (a launch gets the supervisor before it routes); nothing learned before.
    categoryIndex:
      deps.journal === undefined ? undefined : { typical: (...args: Parameters<CategoryTypicals["typical"]>) => journal?.categoryIndex()?.typical(...args) },
  };
  const offered = TOOLSETS.filter((set) => deps.toolsets === undefined || deps.toolsets.includes(set));
  // The host's delegation tasks: made here so that what waits for the orchestrator leaves out what they carry.
  const delegations = taskStore(shared.maxResultChars);
  const server = build({ ...shared, childServer, ...definedFields({ treeUrl }) }, offered, deps.version, { tasks: delegations });
  pending?.follow(server);
  pending?.delegated(delegations);
  // The dashboard's view of this server (see controlEndpoint): the sessions and pool tools on the same parts, less some.
  const control = controlEndpoint(deps, feed, () => build({ ...shared, childServer }, ["sessions", "pool"], deps.version, CONTROL_TOOLS));
  return {
    server,
    warm: () => warmUp(shared, supervisor.get, children, deps.version),
    stopAll: async (byUser, ids) => {
      await stopAgents(shared, ids, byUser);
    },
    close: async () => {
      await (await control)?.close();
      // Agents that end from here on end because the server exits; the journal says so.
      journal?.exiting();
      pending?.close();
      await (await settled(supervisor.made?.made))?.shutdown();
      // The agents are gone: their worktrees are released (clean ones removed, those with work kept).
      await worktrees.made()?.drain();
      await journal?.writer.flush();
      journal?.flushIndex();
      journal?.writer.dropSpares();
      await server.close();
      await (await settled(children.endpoint?.made))?.close();
    },
  };
}

// The dashboard's view of this server: its sessions and pool tools on the same parts, less `wait`
// (which reports each turn once: those reports are the orchestrator's) and less every tool that
// starts a new agent (launch_agent, invoke, warmup): whoever holds its token may read and
// act on this server's agents, and resume one with the permissions it had, but grant nothing new.
function controlEndpoint(deps: ServerDeps, feed: ChangeFeed | undefined, serve: () => McpServer) {
  const { control: settings, version, sandbox } = deps;
  if (settings === undefined || feed === undefined) return undefined;
  return import("./endpoints/control-endpoint.js").then(({ publishControl }) => publishControl(settings, version, serve, feed, sandbox)).catch(() => undefined);
}

// Makes in the background what the first launch needs, then rehearses the launch path on a stand-in (see SubagentServer.warm).
async function warmUp(shared: Omit<Shared, "childServer">, supervisor: () => Promise<Supervisor>, children: ChildServers, version: string): Promise<void> {
  const real = await supervisor().catch(() => undefined);
  await children.endpoint?.get().catch(() => undefined);
  const provider = real?.providers()[0];
  if (real === undefined || provider === undefined) return;
  const { rehearse, standIn } = await import("./launch/rehearsal.js");
  // The rehearsal's launch goes to a stand-in: no journal, no sub-agent endpoint, no CLI.
  const stand = standIn(real);
  const rehearsal = {
    ...shared,
    supervisor: () => Promise.resolve(stand),
    journal: { made: () => undefined },
    // Not the endpoint's own address: its first one starts the endpoint's warm-up request, which
    // would load ~8 MB of HTTP client and server code into a server that may never launch.
    childServer: children.childServer === undefined ? undefined : () => Promise.resolve({ name: CHILD_SERVER, url: "http://127.0.0.1:9/rehearsal" }),
  };
  await rehearse(build(rehearsal, ["sessions"], version, { tasks: false, traced: false }), provider).catch(() => undefined);
  await stand.shutdown();
}

// Defaults applied once; the pool is made by the first pool call.
function settle(
  deps: ServerDeps,
  supervisor: () => Promise<Supervisor>,
  worktrees: WorktreeHub,
): Omit<Shared, "childServer" | "journal" | "budgets" | "gate" | "messagingReached" | "categoryIndex" | "priceTable"> {
  const defaultCwd = deps.defaultCwd ?? process.cwd();
  const depth = deps.depth ?? 0;
  const maxDepth = deps.maxDepth ?? CONFIG_DEFAULTS.max_depth;
  const permissions = withinCeiling(deps.permissions ?? {}, deps.ceiling);
  const pool = new OnFirstUse(async () => {
    const { PoolCatalog } = await import("./pool/pool-catalog.js");
    return new PoolCatalog(await supervisor(), deps.definitions ?? (() => ({ definitions: [], problems: [] })), defaultCwd, {
      ...definedFields({ rssCeilingMb: deps.poolRssCeilingMb }),
      lineage: { depth, maxDepth, ceiling: deps.ceiling, lineage: deps.lineage },
      permissions,
      worktrees,
      ...definedFields({ fleet: deps.fleet }),
    });
  });
  let mode = false;
  return {
    supervisor,
    // Every pool call starts from the definition files as they are now.
    pool: async () => {
      const catalog = await pool.get();
      await catalog.refresh();
      return catalog;
    },
    defaultCwd,
    depth,
    maxDepth,
    ceiling: deps.ceiling,
    ...definedFields({ lineage: deps.lineage, fleet: deps.fleet }),
    permissions,
    stallSeconds: deps.stallSeconds ?? CONFIG_DEFAULTS.stall_seconds,
    progressEveryMs: deps.progressEveryMs ?? 5_000,
    routingTable: deps.routingTable ?? DEFAULT_TABLE,
    routingBranch: deps.routingBranch ?? "cost_efficiency",
    ...definedFields({ withheldProviders: deps.withheldProviders, quotaPercent: deps.quotaPercent, sandbox: deps.sandbox }),
    installed: deps.installed ?? (() => true),
    orchestration: deps.orchestration ?? { get: () => mode, set: (on) => (mode = on), scope: defaultCwd },
    maxResultChars: deps.maxResultChars ?? limitsFrom(process.env).maxResultChars,
    tracer: deps.tracer ?? OFF,
    messaging: deps.messaging,
    worktrees,
    budget: deps.budget,
  };
}

/** Tools left out of a server: `wait`, and those that start new agents. */
interface BuildOptions {
  wait?: boolean;
  starts?: boolean;
  /** Messaging tools not offered (a sub-agent's rules deny them). */
  withhold?: readonly string[];
  /** This server's task store (default: one of its own); false: no MCP tasks (a server whose clients never take them). */
  tasks?: TaskStore | false;
  /** Whether its tool calls are spans while tracing is on (default true; the rehearsal's are not). */
  traced?: boolean;
  /** Offers stop_agents, the user's stop (the control endpoint alone). */
  stops?: boolean;
}

/** The control endpoint's server: no `wait`, and nothing that starts a new agent. */
const CONTROL_TOOLS: BuildOptions = { wait: false, starts: false, tasks: false, stops: true };

// One MCP server with the given groups of tools; its answers go out through its own delivery.
function build(shared: Shared, toolsets: readonly Toolset[], version: string, options: BuildOptions = {}): McpServer {
  const instructions = toolsets
    .filter((set) => set !== "messaging" || shared.messaging !== undefined)
    .map((set) => INSTRUCTIONS[set])
    .join(" ");
  const delivery = new Delivery(shared.maxResultChars);
  const server = new DeliveryServer(
    { name: "subagent-mcp", version },
    { instructions, capabilities: { experimental: HOST_CWD_CAPABILITY } },
    delivery,
    options.traced === false ? OFF : shared.tracer,
  );
  // Delegations become MCP tasks for a host that takes them (the interactive Claude Code).
  const tasks = options.tasks === false ? undefined : (options.tasks ?? taskStore(shared.maxResultChars));
  if (tasks !== undefined) {
    serveTasks(server, tasks, { name: "subagent-mcp", version, instructions, taskInstructions: TASK_INSTRUCTIONS });
    server.server.onclose = chain(server.server.onclose, () => {
      tasks.close();
    });
  }
  const tools: ToolDeps = { ...shared, delivery, ...definedFields({ tasks }), clientName: () => server.server.getClientVersion()?.name };
  if (toolsets.includes("sessions")) {
    if (options.starts !== false) registerLaunchAgentTool(server, tools);
    registerPollAgentTool(server, tools);
    // Only with a fleet configured: a tool that could only say "no fleet" would cost every host its description.
    if (tools.fleet !== undefined) registerListMachinesTool(server, tools);
    registerSendMessageTool(server, tools);
    if (options.wait !== false) registerWaitTool(server, tools);
    registerListAgentsTool(server, tools);
    registerInterruptAgentTool(server, tools);
    registerKillAgentTool(server, tools);
    if (options.stops === true) registerStopAgentsTool(server, tools);
    registerRespondPermissionTool(server, tools);
    registerResumeAgentTool(server, tools);
    registerTranscriptTool(server, tools);
    registerUsageTool(server, tools);
  }
  if (toolsets.includes("pool")) {
    if (options.starts !== false) {
      registerInvokeTool(server, tools);
      registerWarmupTool(server, tools);
    }
    registerListPoolTool(server, tools);
    registerResetTool(server, tools);
  }
  if (toolsets.includes("orchestration")) registerOrchestrationModeTool(server, tools);
  const { messaging } = shared;
  if (messaging !== undefined && toolsets.includes("messaging")) registerMessageTools(server, { ...tools, messaging }, options.withhold);
  return server;
}

// What a part that may not have been made resolved to, if anything (a failed making has nothing to close).
async function settled<T>(made: Promise<T> | undefined): Promise<T | undefined> {
  return made?.catch(() => undefined);
}

// Both handlers run, the earlier first.
function chain(first: (() => void) | undefined, then: () => void): () => void {
  return () => {
    first?.();
    then();
  };
}
