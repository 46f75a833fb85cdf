import { LaunchGate, type McpServerSpec } from "@subagent-mcp/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { DEFAULT_TABLE } from "@subagent-mcp/routing";
import { Delivery, DeliveryServer, limitsFrom, serveTasks, taskStore, type TaskStore } from "@subagent-mcp/mcp-transport";
import { DEFAULT_PRICES, mergePrices } from "@subagent-mcp/usage";
import { TOOLSETS, type ServerDeps, type ToolDeps, type Toolset } from "./deps.js";
import { AgentSpans, OFF } from "@subagent-mcp/tracing";
import { AgentServers } from "./nesting/agent-servers.js";
import { AgentTree, type AgentScope } from "./nesting/agent-tree.js";
import { AGENT_TOOLSETS, agentShared } from "./nesting/agent-deps.js";
import { OnFirstUse } from "./runtime/first-use.js";
import { runtimeOnFirstUse, type Runtime } from "./runtime/runtime.js";
import { PendingPublisher } from "./endpoints/pending.js";
import { ChangeFeed } from "./endpoints/change-feed.js";
import { CONFIG_DEFAULTS } from "@subagent-mcp/config";
import { withinCeiling } from "@subagent-mcp/permissions";
import { registerInterruptAgentTool } from "./tools/interrupt-agent.js";
import { registerInvokeTool } from "./tools/invoke.js";
import { registerKillAgentTool } from "./tools/kill-agent.js";
import { registerStopAgentsTool } from "./tools/stop-agents.js";
import { stopAgents } from "./runtime/stop-tree.js";
import { registerLaunchAgentTool } from "./tools/launch-agent.js";
import { registerListAgentsTool } from "./tools/list-agents.js";
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
import { TASK_INSTRUCTIONS } from "./tasks/settings.js";
import { definedFields } from "@subagent-mcp/contract/fields";
import { CAPABILITIES, instructionsOf } from "@subagent-mcp/contract/handshake";
import { TeamHub } from "@subagent-mcp/team";
import { registerBoardTools } from "./launch/team-tools.js";
import { pastAgents, predecessorOf, type AgentJournal } from "@subagent-mcp/journal";

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

/** What every server of one createServer shares: the tools' deps, less each server's own delivery and tasks. */
type Shared = Omit<ToolDeps, "delivery" | "tasks" | "clientName">;

/**
 * Builds the subagent-mcp MCP server with its tools. It owns what it makes on first use: the
 * supervisor when given as a factory, the pool, and (with `messaging.children`) the loopback endpoint
 * where launched sub-agents reach their own messaging tools; `close()` ends them.
 */
export function createServer(deps: ServerDeps): SubagentServer {
  const { serving, persistence, messaging } = deps;
  const defaultCwd = deps.agents?.defaultCwd ?? process.cwd();
  const pending = persistence?.pending === undefined ? undefined : new PendingPublisher(persistence.pending, messaging);
  const feed = serving.control === undefined ? undefined : new ChangeFeed();
  const gate = new LaunchGate();
  // Merged once: every launch prices its candidates with it, and the daily budget reads the journal with it.
  const priceTable = mergePrices(DEFAULT_PRICES, deps.spending?.prices);
  // While tracing is on, each agent's life, turns and waits are spans (a worktree's setup among them).
  const spans = serving.tracer?.on === true ? new AgentSpans(serving.tracer) : undefined;
  const tree = new AgentTree();
  const team = deps.persistence?.boards === undefined ? undefined : new TeamHub(deps.persistence.boards);
  const offered = TOOLSETS.filter((set) => serving.toolsets === undefined || serving.toolsets.includes(set));
  // A sub-agent's own tools: the same, less the orchestrator's own.
  const forAgents = offered.filter((set) => AGENT_TOOLSETS.has(set));
  // Every answer waits for the journal's turn and end entries on their way: what it reports is written first.
  let journal: AgentJournal | undefined;
  const journaled = (made: AgentJournal): void => {
    journal = made;
  };
  const { runtime, owned } = runtimeOnFirstUse(deps, { gate, followers: [pending, feed, tree, team], spans, defaultCwd, priceTable, tree, journaled });
  const made = () => runtime.get();
  // Each sub-agent's servers on the loopback endpoint: its own tools (acting for it) and its messaging tools alone.
  const listed = new Map<string, unknown>();
  const agents: AgentServers = new AgentServers(tree, gate, (scope, kind, withhold): McpServer =>
    kind === "mailbox"
      ? build(
          agentShared(shared, scope, agents.tree, (id) => spans?.lifeOf(id)?.traceparent),
          ["messaging"],
          serving.version,
          { withhold, tasks: false, perRequest: listed },
        )
      : build(
          agentShared(shared, scope, agents.tree, (id) => spans?.lifeOf(id)?.traceparent),
          forAgents,
          serving.version,
          { withhold, tasks: false, perRequest: listed },
        ),
  );
  const shared: Shared = {
    // A pool replica whose CLI has our entry is handed its own tools here, as a launched agent is (the pool is the orchestrator's).
    ...settle(deps, made, defaultCwd, (scope) => agents.hand(scope, undefined, { own: true, mailbox: undefined })),
    gate,
    messagingReached: (id) => agents.reached(id),
    priceTable,
    agentServers: agents,
    childMailbox: messaging?.children === true,
    team,
    heldUntil: () => journal?.writer.recorded(),
  };
  // The host's delegation tasks: made here so that what waits for the orchestrator leaves out what they carry.
  const delegations = taskStore(shared.maxResultChars);
  const server = build(shared, offered, serving.version, { tasks: delegations });
  pending?.follow(server);
  pending?.delegated(delegations);
  // The dashboard's view of this server (see controlEndpoint): the sessions and pool tools on the same parts, less some.
  const control = controlEndpoint(deps, feed, () => build(shared, ["sessions", "pool"], serving.version, CONTROL_TOOLS));
  return {
    server,
    warm: () => warmUp(shared, made, agents, serving.version),
    stopAll: async (byUser, ids) => {
      await stopAgents(shared, ids, byUser);
    },
    close: async () => {
      await (await control)?.close();
      const parts = await settled(runtime.started);
      // Agents that end from here on end because the server exits; the journal says so.
      parts?.journal?.exiting();
      pending?.close();
      team?.close();
      if (owned) await parts?.supervisor.shutdown();
      // The agents are gone: their worktrees are released (clean ones removed, those with work kept).
      await parts?.worktrees.drain();
      await parts?.journal?.writer.flush();
      parts?.journal?.flushIndex();
      parts?.journal?.writer.dropSpares();
      await server.close();
      await (await settled(agents.endpoint.started))?.close();
    },
  };
}

// The dashboard's view of this server: its sessions and pool tools on the same parts, less `wait`
// (which reports each turn once: those reports are the orchestrator's) and less every tool that
// starts a new agent (launch_agent, invoke, warmup): whoever holds its token may read and
// act on this server's agents, and resume one with the permissions it had, but grant nothing new.
function controlEndpoint(deps: ServerDeps, feed: ChangeFeed | undefined, serve: () => McpServer) {
  const { control: settings, version } = deps.serving;
  const sandbox = deps.agents?.sandbox;
  if (settings === undefined || feed === undefined) return undefined;
  return import("./endpoints/control-endpoint.js").then(({ publishControl }) => publishControl(settings, version, serve, feed, sandbox)).catch(() => undefined);
}

// Makes in the background what the first launch needs, then rehearses the launch path on a stand-in (see SubagentServer.warm).
async function warmUp(shared: Shared, runtime: () => Promise<Runtime>, agents: AgentServers, version: string): Promise<void> {
  const real = await runtime().catch(() => undefined);
  // The first list_agents reads what earlier servers left: read now, so that it costs what later ones do.
  if (real?.journal !== undefined) predecessorOf(pastAgents(real.journal), real.journal.server.id);
  // The rehearsal below has no journal: the first launch's journal entry is rehearsed here.
  real?.journal?.rehearse();
  await agents.endpoint.get().catch(() => undefined);
  const providers = real?.supervisor.providers() ?? [];
  if (real === undefined || providers.length === 0) return;
  const { rehearse, standIn } = await import("./launch/rehearsal.js");
  // The rehearsal's launch goes to a stand-in: no journal, no budgets or caps, no sub-agent endpoint, no CLI.
  const stand = standIn(real.supervisor);
  const rehearsal: Shared = {
    ...shared,
    runtime: () =>
      Promise.resolve({
        supervisor: stand,
        journal: undefined,
        budgets: undefined,
        spendCaps: undefined,
        worktrees: real.worktrees,
        treeBudgets: real.treeBudgets,
      }),
    // No endpoint: its first address starts the endpoint's warm-up request, which would load ~8 MB of
    // HTTP client and server code into a server that may never launch.
    agentServers: undefined,
  };
  await rehearse(build(rehearsal, ["sessions"], version, { tasks: false, traced: false }), providers).catch(() => undefined);
  await stand.shutdown();
}

// The groups of deps flattened for the tools, defaults applied once; the pool is made by the first pool call.
function settle(
  deps: ServerDeps,
  runtime: () => Promise<Runtime>,
  defaultCwd: string,
  hand: (scope: AgentScope) => Promise<McpServerSpec[]>,
): Omit<Shared, "agentServers" | "childMailbox" | "gate" | "messagingReached" | "priceTable"> {
  const { agents, nesting, routing, spending, limits } = deps;
  const depth = nesting?.depth ?? 0;
  const maxDepth = nesting?.maxDepth ?? CONFIG_DEFAULTS.max_depth;
  const ceiling = nesting?.ceiling;
  const permissions = withinCeiling(agents?.permissions ?? {}, ceiling);
  const pool = new OnFirstUse(async () => {
    const { PoolCatalog } = await import("./pool/pool-catalog.js");
    return new PoolCatalog(await runtime(), agents?.definitions ?? (() => ({ definitions: [], problems: [] })), defaultCwd, {
      ...definedFields({ rssCeilingMb: agents?.poolRssCeilingMb }),
      lineage: { depth, maxDepth, ceiling, lineage: nesting?.lineage },
      permissions,
      ...definedFields({ fleet: deps.fleet }),
      hand,
    });
  });
  let mode = false;
  return {
    runtime,
    // Every pool call starts from the definition files as they are now.
    pool: async () => {
      const catalog = await pool.get();
      await catalog.refresh();
      return catalog;
    },
    defaultCwd,
    depth,
    maxDepth,
    ...definedFields({ ceiling, lineage: nesting?.lineage, fleet: deps.fleet }),
    permissions,
    stallSeconds: agents?.stallSeconds ?? CONFIG_DEFAULTS.stall_seconds,
    progressEveryMs: limits?.progressEveryMs ?? 5_000,
    routingTable: routing?.table ?? DEFAULT_TABLE,
    routingBranch: routing?.branch ?? "cost_efficiency",
    ...definedFields({ withheldProviders: routing?.withheldProviders, quotaPercent: spending?.quotaPercent, sandbox: agents?.sandbox }),
    installed: routing?.installed ?? (() => true),
    orchestration: deps.persistence?.orchestration ?? { get: () => mode, set: (on) => (mode = on), scope: defaultCwd },
    maxResultChars: limits?.maxResultChars ?? limitsFrom(process.env).maxResultChars,
    tracer: deps.serving.tracer ?? OFF,
    ...definedFields({ messaging: deps.messaging, budget: spending?.budget }),
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
  /**
   * A server built per request (a sub-agent's, on the loopback endpoint): its tools/list answer kept
   * in this cache, and its tools listed without output schemas (their results are the same JSON text;
   * a CLI that compiles a validator per schema, as Gemini CLI does, starts ~250 ms sooner, and a
   * sub-agent's context holds a third of the text).
   */
  perRequest?: Map<string, unknown>;
}

/** The control endpoint's server: no `wait`, and nothing that starts a new agent. */
const CONTROL_TOOLS: BuildOptions = { wait: false, starts: false, tasks: false, stops: true };

// One MCP server with the given groups of tools; its answers go out through its own delivery.
function build(shared: Shared, toolsets: readonly Toolset[], version: string, options: BuildOptions = {}): McpServer {
  const instructions = instructionsOf(toolsets, shared.messaging !== undefined);
  const delivery = new Delivery(shared.maxResultChars, shared.heldUntil);
  const server = new DeliveryServer(
    { name: "subagent-mcp", version },
    { instructions, capabilities: CAPABILITIES },
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
  if (options.perRequest !== undefined) listedSlim(server);
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
  // A sub-agent works the boards as a member (beside its messaging tools); the orchestrator runs them.
  if (tools.launchedBy !== undefined && toolsets.includes("messaging")) registerBoardTools(server, tools, "member", false);
  if (tools.launchedBy === undefined && toolsets.includes("sessions")) registerBoardTools(server, tools, "orchestrator", options.starts !== false);
  // The same tools on the same deps list the same; the messaging tools name the mailbox they speak for.
  const key = JSON.stringify([toolsets, options.wait, options.starts, options.stops, options.withhold, tools.fleet !== undefined, messaging?.self]);
  if (options.perRequest !== undefined) server.cacheToolList(options.perRequest, key);
  return server;
}

// Tools registered without their output schemas (see BuildOptions.perRequest).
function listedSlim(server: DeliveryServer): void {
  const register = server.registerTool.bind(server);
  server.registerTool = ((name: string, config: { outputSchema?: unknown }, callback: unknown) => {
    const { outputSchema: _shown, ...rest } = config;
    return (register as (...args: unknown[]) => unknown)(name, rest, callback);
  }) as typeof server.registerTool;
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
