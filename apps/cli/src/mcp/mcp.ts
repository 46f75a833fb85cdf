import { boardSource } from "./boards.js";
import { isOrchestrating, setOrchestrating } from "@subagent-mcp/hooks";
import { createServer, OnFirstUse, stdioTransport, TOOLSETS, type OrchestrationState, type Toolset } from "@subagent-mcp/server";
import { toolsetsFrom } from "@subagent-mcp/contract/handshake";
import { markNested, nestedServersDir, stateLayout, STOP_TREE_SIGNAL, stoppedByUser } from "@subagent-mcp/state";
import { budgetLeftFrom, ceilingFrom, depthFrom, lineageFrom, withDefaults, type DefinitionSource } from "@subagent-mcp/config";
import { createSandbox, type Sandbox } from "@subagent-mcp/sandbox";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { configOrFail } from "../config.js";
import { cliContext, type CliContext } from "../context.js";
import { mailPlace } from "../worker/mailstore.js";
import { secretsInEnv } from "../fleet/fleet.js";
import { fleetAccess } from "../fleet/fleet-access.js";
import { mergeRules, protectedRules } from "@subagent-mcp/permissions";
import { ownMailbox } from "./identity.js";
import { fleetSpend, type FleetSpend } from "../fleet/spend-share.js";
import { installedCheck } from "./installed.js";
import { version } from "../version.js";
import { optimizeFromNowOn } from "../v8-tiers.js";
import { pluginPoolDirs } from "../setup/plugin-root.js";
import { SharedHeadroom } from "@subagent-mcp/usage/headroom";
import { startTracing } from "@subagent-mcp/tracing";
import { definedFields } from "@subagent-mcp/contract/fields";
import { isDeepStrictEqual } from "node:util";
import type { Handover } from "./door.js";

/**
 * Serves MCP on stdio until the client goes away. stdout carries only the protocol; anything we
 * have to say goes to stderr. Every sub-agent process tree ends with the server: on stdin EOF,
 * SIGTERM, SIGINT or SIGHUP. What answering `initialize` and `tools/list` does not need (the
 * drivers, the agent-definition parser, the sub-agents' endpoint) loads on the first call that does.
 */
export async function serveStdio(handover?: Handover): Promise<void> {
  const ctx = cliContext();
  const config = configOrFail(ctx);
  // Traces only when OTEL_* asks for them: otherwise nothing of OpenTelemetry loads.
  const tracer = await startTracing({ version });
  const depth = depthFrom(ctx.env);
  // A nested server knows its place from what its launcher passed down: depth, ceiling, mailbox name.
  // Mail on Redis connects on first use: the server starts while Redis is down, and its messaging tools then say why.
  const mail = mailPlace(ctx, config.mailbox).lazy();
  const own = ownMailbox(mail, ctx.env, depth);
  const ceiling = ceilingFrom(ctx.env);
  const lineage = lineageFrom(ctx.env);
  // What the sub-agent this server runs under had left: a session budget no config of ours raises.
  const inherited = depth > 0 ? budgetLeftFrom(ctx.env) : undefined;
  // Other machines (subagent-mcp node on each), over the Redis the mailboxes share.
  // An agent the user stopped on its machine is stopped here too, journaled as the user's stop (the server is made below).
  const userStop = { of: (_id: string): void => undefined };
  const fleet = fleetAccess(ctx, config.mailbox, (id) => {
    userStop.of(id);
  });
  // On a shared Redis, this server's turns go to the fleet's spend stream too, and with caps set it reads the other machines'.
  const spendShare = fleetSpend(ctx.stateDir, config.mailbox, config.spend_caps !== undefined);
  // Our sub-agents can read this process's environment (/proc/PID/environ): say what should not be in it.
  for (const problem of secretsInEnv(ctx)) process.stderr.write(`subagent-mcp: ${problem}\n`);
  // Every CLI this server starts (and every check) runs in one OS sandbox, found on the first launch.
  const sandbox = createSandbox(config, ctx.env);
  const { server, close, warm, stopAll } = createServer(
    serverOptions(ctx, config, { tracer, depth, own, ceiling, lineage, inherited, fleet, spendShare, sandbox }),
  );
  const shutdown = shutdownOnExit({ tracer, fleet, close, own, mail, spendShare });
  userStop.of = (id) => {
    void stopAll(true, [id]).catch((error: unknown) => process.stderr.write(`subagent-mcp: stopping ${id}: ${String(error)}\n`));
  };
  if (depth > 0) stopWithTree(nestedServersDir(ctx.stateDir), lineage, stopAll, shutdown);
  // Bounded: a request over SUBAGENT_MCP_MAX_REQUEST_BYTES is refused and the server reads on.
  const transport = stdioTransport(ctx.env);
  transport.onclose = () => void shutdown("transport closed", 0);
  // The sandbox is found with the rest of what the first launch needs, not by that launch.
  warmAfterToolList(transport, () => Promise.all([warm(), sandbox.detect()]).then(() => undefined));
  if (handover?.answered !== undefined) answeredAtDoor(transport, handover.answered);
  await server.connect(transport);
  if (handover === undefined) return;
  // What the door read comes first; then stdin flows again, to the transport.
  for (const bytes of handover.read) transport.replay(bytes);
  process.stdin.resume();
  if (handover.ended) void shutdown("stdin closed", 0);
}

// The door answered this `initialize`: the server's own answer to it is not sent, only checked to be the same.
function answeredAtDoor(transport: Transport, answered: NonNullable<Handover["answered"]>): void {
  const send = transport.send.bind(transport);
  let dropped = false;
  transport.send = async (message, options) => {
    if (dropped || !("id" in message) || message.id !== answered.id || "method" in message) return send(message, options);
    dropped = true;
    const own = "result" in message ? message.result : message;
    if (!isDeepStrictEqual(own, answered.result))
      process.stderr.write(
        `subagent-mcp: initialize was answered at the door as ${JSON.stringify(answered.result)}, but the server answers ${JSON.stringify(own)}\n`,
      );
  };
}

type Own = ReturnType<typeof ownMailbox>;
type Fleet = ReturnType<typeof fleetAccess>;

// What the server is made of: the config, what its launcher passed down, and the state dir's places.
function serverOptions(
  ctx: CliContext,
  config: ReturnType<typeof configOrFail>,
  p: {
    tracer: Awaited<ReturnType<typeof startTracing>>;
    depth: number;
    own: Own;
    ceiling: ReturnType<typeof ceilingFrom>;
    lineage: ReturnType<typeof lineageFrom>;
    inherited: ReturnType<typeof budgetLeftFrom>;
    fleet: Fleet;
    spendShare: FleetSpend | undefined;
    sandbox: Sandbox;
  },
): Parameters<typeof createServer>[0] {
  const { tracer, depth, own, ceiling, lineage, inherited, fleet, spendShare, sandbox } = p;
  const layout = stateLayout(ctx.stateDir);
  return {
    // Rate-limit windows are the account's: shared with every server of the user through the state folder.
    supervisor: async (extra) =>
      (await import("@subagent-mcp/server/runtime")).createSupervisor(config, undefined, {
        ...extra,
        rateLimits: new SharedHeadroom(layout.rateLimits),
        receiptsDir: layout.receipts,
        sandbox,
      }),
    serving: {
      version,
      tracer,
      // `subagent-mcp dashboard` finds this server in the state dir and follows it over loopback; SUBAGENT_MCP_DASHBOARD=0: no endpoint.
      ...(depth > 0 || ctx.env.SUBAGENT_MCP_DASHBOARD === "0" ? {} : { control: scopeOf(ctx) }),
      ...toolsets(ctx.env.SUBAGENT_MCP_TOOLSETS),
    },
    agents: {
      // The config files' permission rules, before each launch's and each definition's own, and the
      // files no sub-agent may touch (the fleet key, the user config, the servers' records).
      permissions: mergeRules(config.permissions, protectedRules(ctx)),
      stallSeconds: withDefaults(config).stall_seconds,
      definitions: agentFiles(ctx),
      sandbox,
    },
    nesting: { depth, maxDepth: withDefaults(config).max_depth, ...definedFields({ ceiling, lineage }) },
    routing: { table: config.routingTable, branch: config.routingBranch, withheldProviders: config.withheldProviders, installed: installedCheck(config) },
    spending: {
      ...definedFields({ budget: config.budget, prices: config.prices, quotaPercent: config.quota_percent }),
      ...(config.budgets === undefined && inherited === undefined ? {} : { budgets: { ...config.budgets, ...definedFields({ inherited }) } }),
      // Every finished turn goes to the state folder's spend ledger, which every server and worker's spend_caps are summed from.
      spend: { ledger: layout.spend, ...definedFields({ caps: config.spend_caps, shared: spendShare }) },
    },
    persistence: {
      // Every agent's journal, so that it outlives this server: past agents, transcripts, resume.
      // SUBAGENT_MCP_JOURNAL=0 turns it off (no past agents then); apps/bench measures its cost with it.
      ...(ctx.env.SUBAGENT_MCP_JOURNAL === "0" ? {} : { journal: { dir: layout.agents, ...definedFields({ retentionDays: config.journal_retention_days }) } }),
      orchestration: orchestrationState(ctx),
      // Team boards, in the state folder: every server of the user works the same board.
      boards: boardSource(ctx.stateDir, config.mailbox),
      // What waits for the orchestrator, where the host's hooks read it (keyed like orchestration mode);
      // a nested server's host is a sub-agent, whose hooks stay silent.
      ...(depth > 0 ? {} : { pending: scopeOf(ctx) }),
      // isolation: "worktree" puts worktrees under the state dir, readied by the config's setup command.
      worktrees: {
        stateDir: ctx.stateDir,
        sandbox,
        ...(config.worktree?.setup === undefined ? {} : { setup: config.worktree.setup }),
        ...(config.worktree?.setup_timeout_s === undefined ? {} : { setupTimeoutMs: config.worktree.setup_timeout_s * 1000 }),
      },
    },
    // Sub-agents reach their own messaging tools over loopback HTTP, no process each; SUBAGENT_MCP_CHILD_MESSAGING=0: none at all.
    ...(own.messaging === undefined ? {} : { messaging: { ...own.messaging, children: ctx.env.SUBAGENT_MCP_CHILD_MESSAGING !== "0" } }),
    ...(fleet === undefined ? {} : { fleet: fleet.get }),
  };
}

// Every sub-agent process tree ends with the server: on stdin EOF, a signal, or the transport closing (the returned function).
function shutdownOnExit(p: {
  tracer: Awaited<ReturnType<typeof startTracing>>;
  fleet: Fleet;
  close: () => Promise<void>;
  own: Own;
  mail: { close(): Promise<void> };
  spendShare: FleetSpend | undefined;
}): (reason: string, code: number) => Promise<void> {
  const { tracer, fleet, close, own, mail, spendShare } = p;
  let closing = false;
  const shutdown = async (reason: string, code: number): Promise<void> => {
    if (closing) return;
    closing = true;
    // A second signal while we clean up means "now".
    process.once("SIGINT", () => process.exit(130));
    process.once("SIGTERM", () => process.exit(143));
    try {
      // First the spans ended so far (bounded): a signal's sender may follow with SIGKILL before the clean-up is done.
      await tracer.flush().catch(() => undefined);
      // Agents launched to outlive us are left to their machines; close() ends every other one, remote ones too.
      await fleet?.leave().catch(() => undefined);
      await close();
      // After close(), which ended the remote agents too: then our heartbeat stops.
      await fleet?.close().catch(() => undefined);
      await own.retire().catch(() => undefined);
      await mail.close();
      // The last turns reach the fleet's spend stream (bounded) before we go.
      await spendShare?.close().catch(() => undefined);
      // The spans of the agents just ended go out before we do.
      await tracer.shutdown().catch(() => undefined);
    } catch (error) {
      console.error(`subagent-mcp: error while shutting down (${reason}):`, error);
    }
    process.exit(code);
  };
  process.stdin.on("end", () => void shutdown("stdin closed", 0));
  process.stdin.on("close", () => void shutdown("stdin closed", 0));
  process.once("SIGTERM", () => void shutdown("SIGTERM", 143));
  process.once("SIGINT", () => void shutdown("SIGINT", 130));
  process.once("SIGHUP", () => void shutdown("SIGHUP", 129));
  return shutdown;
}

// A nested server marks itself so that a tree kill of the agent it runs under finds it, and on that
// kill's signal stops its agents (tree), journaled as killed or as stopped by the user, then exits.
function stopWithTree(
  dir: string,
  lineage: readonly string[] | undefined,
  stopAll: (byUser: boolean) => Promise<void>,
  shutdown: (reason: string, code: number) => Promise<void>,
): void {
  try {
    const unmark = markNested(dir, lineage ?? []);
    process.once("exit", unmark);
  } catch (error) {
    process.stderr.write(`subagent-mcp: a tree kill above will not find this server: ${String(error)}\n`);
  }
  process.once(STOP_TREE_SIGNAL, () => {
    void stopAll(stoppedByUser(dir))
      .catch((error: unknown) => process.stderr.write(`subagent-mcp: error while stopping the agents: ${String(error)}\n`))
      .finally(() => void shutdown("its tree was killed", 0));
  });
}

/** SUBAGENT_MCP_TOOLSETS=messaging,sessions limits the tools offered (a worker's own server offers messaging only). */
function toolsets(value: string | undefined): { toolsets?: Toolset[] } {
  const { toolsets: sets, unknown } = toolsetsFrom(value);
  if (unknown !== undefined) {
    process.stderr.write(`subagent-mcp: SUBAGENT_MCP_TOOLSETS: unknown ${unknown.join(", ")} (known: ${TOOLSETS.join(", ")})\n`);
    process.exit(2);
  }
  return sets === undefined ? {} : { toolsets: sets };
}

// Pool definitions from the agent files (project, user, SUBAGENT_MCP_AGENTS_PATH, then a plugin's samples); their parser loads on the first pool call.
function agentFiles(ctx: CliContext): DefinitionSource {
  const search = { ...ctx, fallbackDirs: pluginPoolDirs() };
  const source = new OnFirstUse(async () => (await import("@subagent-mcp/agents/pool")).agentDefinitionSource(search));
  return async () => (await source.get())();
}

// Claude Code tells its MCP servers which session they serve (CLAUDE_CODE_SESSION_ID); the other hosts do not.
function sessionOf(ctx: CliContext): string | undefined {
  const session = ctx.env.CLAUDE_CODE_SESSION_ID;
  return session === undefined || session === "" ? undefined : session;
}

// The host session (if known) or project a top-level server serves, in the state dir.
function scopeOf(ctx: CliContext): { stateDir: string; cwd: string; session?: string } {
  const session = sessionOf(ctx);
  return { stateDir: ctx.stateDir, cwd: ctx.cwd, ...definedFields({ session }) };
}

// Orchestration mode lives in the state dir, per host session or project, where the host's hook handlers read it.
function orchestrationState(ctx: CliContext): OrchestrationState {
  const session = sessionOf(ctx);
  const scope = session === undefined ? ctx.cwd : `Claude Code session ${session} in ${ctx.cwd}`;
  return {
    get: () => isOrchestrating(ctx.stateDir, ctx.cwd, session),
    set: (on) => {
      setOrchestrating(ctx.stateDir, ctx.cwd, on, session);
    },
    scope,
  };
}

/**
 * Once the host has our tool list (the last thing it waits for before its user goes on), what the
 * first launch needs is made in the background, so that neither `initialize` nor `tools/list` waits
 * for it and no launch_agent call pays for it.
 */
function warmAfterToolList(transport: Transport, warm: () => Promise<void>): void {
  const send = transport.send.bind(transport);
  let warmed = false;
  transport.send = async (message, options) => {
    await send(message, options);
    if (warmed || !("result" in message) || !Array.isArray((message.result as { tools?: unknown }).tools)) return;
    warmed = true;
    // Once warm, the process is up: from here on, code that turns hot is worth optimizing.
    setImmediate(() => void warm().finally(optimizeFromNowOn));
  };
}
