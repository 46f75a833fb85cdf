import { Pool, type LaunchRequest, type McpServerSpec, type PoolAgentSpec, type Prepared, type ResetStrategy } from "@subagent-mcp/core";
import { treeRssMb } from "@subagent-mcp/drivers";
import type { PermissionRules } from "@subagent-mcp/permissions";
import { ServerError } from "../errors.js";
import { passedServers, type PassedServers } from "../launch/passed-servers.js";
import { CHILD_SERVER, ownEntryFor, scopeOf } from "../launch/launch-steps.js";
import type { AgentScope } from "../nesting/agent-tree.js";
import { isCodedError } from "@subagent-mcp/errors";
import { checkDepth } from "../nesting/depth.js";
import { childEnv } from "@subagent-mcp/config";
import { checkOf, DEPTH_ENV, LINEAGE_ENV } from "@subagent-mcp/contract";
import type { FleetAccess } from "../deps.js";
import type { Runtime } from "../runtime/runtime.js";
import type { AgentWorktrees } from "@subagent-mcp/worktrees";
import { NO_FLEET } from "../launch/placement.js";
import { asking, type Asking, grant, judgeCheck, mergeRules, type Ceiling, type Grant } from "@subagent-mcp/permissions";
import type { DefinitionSource, PoolDefinition } from "@subagent-mcp/config";
import type { Provider } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * The context reset each provider's replicas use between tasks, chosen by measurement
 * (apps/bench, "pool"): an in-process reset beats a respawn with a pre-warmed spare on all three
 * CLIs, because a fresh process pays its first-turn start-up again.
 */
export const DEFAULT_RESET: Partial<Record<Provider, ResetStrategy>> = { claude: "reset", codex: "reset", gemini: "reset" };

/** The reset of an ACP agent: a new ACP session in the same process, as for Gemini CLI. */
export const ACP_RESET: ResetStrategy = "reset";

/** The pool behind the pool tools, kept in step with the definition files. */
export class PoolCatalog {
  readonly pool: Pool;
  #definitions = new Map<string, PoolDefinition>();
  #problems: string[] = [];
  #unusable: Record<string, string[]> = {};
  /** Why a definition may not be started from this server (a grant above its ceiling), by agent. */
  #refused = new Map<string, ServerError>();
  /** The providers a definition may name. */
  readonly #providers: string[];
  readonly #lineage: Lineage;
  /** The config's rules (every agent's) and each definition's own, as of the last refresh. */
  readonly #configRules: PermissionRules;
  #rules = new Map<string, PermissionRules>();
  /** Each startable definition's spec as last defined: an escalated task launches as its replicas do. */
  #specs = new Map<string, PoolAgentSpec>();
  /** What each startable definition was granted, as of the last refresh. */
  #grants = new Map<string, Grant>();
  readonly #worktrees: AgentWorktrees;
  readonly #fleet: (() => Promise<FleetAccess>) | undefined;
  readonly #hand: ((scope: AgentScope) => Promise<McpServerSpec[]>) | undefined;

  constructor(
    { supervisor, worktrees }: Pick<Runtime, "supervisor" | "worktrees">,
    private readonly source: DefinitionSource,
    private readonly cwd: string,
    options: {
      rssCeilingMb?: number;
      taskTimeoutMs?: number;
      lineage?: Lineage;
      permissions?: PermissionRules;
      fleet?: () => Promise<FleetAccess>;
      /** The servers a replica here is handed on this server's agent endpoint: its own tools, for its scope. */
      hand?: (scope: AgentScope) => Promise<McpServerSpec[]>;
    } = {},
  ) {
    const { lineage, permissions, fleet, hand, ...poolOptions } = options;
    this.#hand = hand;
    this.#worktrees = worktrees;
    this.#fleet = fleet;
    this.#lineage = lineage ?? { depth: 0, maxDepth: 2, ceiling: undefined };
    this.#configRules = permissions ?? {};
    this.pool = new Pool(supervisor, { memoryMb: treeRssMb, ...poolOptions });
    this.#providers = supervisor.providers();
  }

  /** Re-reads the definitions (cheap: a handful of small files) and updates the pool's specs. */
  async refresh(): Promise<void> {
    const { definitions, problems, unusable } = await this.source();
    this.#problems = problems;
    this.#unusable = unusable ?? {};
    this.#definitions = new Map(definitions.map((d) => [d.name, d]));
    this.#refused.clear();
    this.#specs.clear();
    this.#grants.clear();
    // Replicas look their rules up per request: an edited definition's rules apply without a restart.
    this.#rules = new Map(definitions.map((d) => [d.name, mergeRules(this.#configRules, d.permissions)]));
    for (const d of definitions) {
      if (!this.#providers.includes(d.provider)) {
        const known = this.#providers.join(", ");
        this.#refused.set(d.name, new ServerError("INVALID_ARGUMENT", `${d.file}: unknown provider "${d.provider}"; the configured providers are ${known}`));
        continue;
      }
      let granted: Grant;
      try {
        const what = `${d.file} (pool agent "${d.name}")`;
        granted = grant({ mode: d.permissionMode, tools: d.allowedTools }, this.#lineage.ceiling, what);
        // Allow rules grant without asking, as allowed tools do: no more than this server was given.
        if (d.permissions?.allow !== undefined) grant({ tools: d.permissions.allow }, this.#lineage.ceiling, `${what} permissions.allow`);
        // Its check runs on this server with nobody to ask: held to the rules and the ceiling as a launch's is.
        const rules = this.#rules.get(d.name) ?? this.#configRules;
        const check = checkOf(d.escalate);
        if (check !== undefined) judgeCheck(`${what} escalate`, check, { rules, ceiling: this.#lineage.ceiling, cwd: d.cwd ?? this.cwd });
      } catch (error) {
        if (!(error instanceof ServerError)) throw error;
        this.#refused.set(d.name, error);
        continue;
      }
      // On another machine a definition may name the folder there; here its replicas work in ours.
      const cwd = d.cwd ?? this.cwd;
      // Its MCP servers, resolved as a launch's are (an unknown name refuses the definition, saying which servers there are).
      let passed: PassedServers;
      try {
        passed = await this.#servers(d, cwd);
      } catch (error) {
        if (!isCodedError(error)) throw error;
        this.#refused.set(d.name, new ServerError("INVALID_ARGUMENT", `${d.file} (pool agent "${d.name}"): ${error.message}`));
        continue;
      }
      if (passed.allow.length > 0) this.#rules.set(d.name, mergeRules({ allow: passed.allow }, this.#rules.get(d.name) ?? this.#configRules));
      const asks = asking(d.permissionMode, granted.level, () => this.#rules.get(d.name) ?? this.#configRules, cwd, d.allowedTools);
      let spec: PoolAgentSpec;
      try {
        const base = specOf(d, cwd, granted, this.#lineage, this.#returnOnAsk(d.name, asks), passed);
        spec = await this.#placed(d, await this.#handed(d, this.#isolated(d, base), granted));
      } catch (error) {
        if (!(error instanceof ServerError)) throw error;
        this.#refused.set(d.name, error);
        continue;
      }
      this.pool.define(spec);
      this.#specs.set(d.name, spec);
      this.#grants.set(d.name, granted);
    }
  }

  // A definition's MCP servers, here (another machine's are its own). A pool serves every client of
  // this server alike: "inherit" has no one host to read, and says so.
  async #servers(d: PoolDefinition, cwd: string): Promise<PassedServers> {
    if (d.mcpServers === undefined || d.mcpServers.length === 0) return { specs: [], allow: [], shown: [] };
    if (d.machine !== undefined) throw new ServerError("INVALID_ARGUMENT", "mcp_servers are this machine's MCP servers: not offered with machine");
    return passedServers([...d.mcpServers], cwd, CHILD_SERVER, undefined, { what: "mcp_servers", rules: this.#configRules, ceiling: this.#lineage.ceiling });
  }

  /** How `name`'s replicas are launched (its system prompt, grant, rules, budget, env), as of the last refresh. */
  launchOf(name: string): PoolAgentSpec["launch"] | undefined {
    return this.#specs.get(name)?.launch;
  }

  // Replicas of a definition with a machine run there, each placed as it starts ("any": wherever a slot is free then).
  async #placed(d: PoolDefinition, spec: PoolAgentSpec): Promise<PoolAgentSpec> {
    if (d.machine === undefined) return spec;
    const where = `${d.file} (pool agent "${d.name}")`;
    if (d.isolation === "worktree")
      throw new ServerError("INVALID_ARGUMENT", `${where}: isolation "worktree" is not offered on another machine (${d.machine}) yet`);
    if (this.#fleet === undefined) throw new ServerError("INVALID_ARGUMENT", `${where}: ${NO_FLEET}`);
    const fleet = await this.#fleet();
    // Its replicas work in its cwd there (the node refuses one outside its roots); the machine is part of the spec, so editing it replaces them.
    return {
      ...spec,
      launch: { ...spec.launch, placement: { machine: d.machine, driver: fleet.driverAt(d.machine, d.provider) } },
    };
  }

  // A replica here whose CLI would start our own entry (setup's) is handed ours instead, issued for
  // its id as it starts: its tools act for it in this server (one level deeper, within its grant,
  // seeing only the agents it starts), and its CLI starts no server process of its own.
  async #handed(d: PoolDefinition, spec: PoolAgentSpec, granted: Grant): Promise<PoolAgentSpec> {
    if (d.machine !== undefined) return spec;
    const { prepare, mcpEnv: _full, ...launch } = spec.launch;
    const handing = await this.#handing(d.provider, spec.launch.cwd, granted, prepare);
    return handing === undefined ? spec : { ...spec, launch: { ...launch, ...handing } };
  }

  /**
   * What the stronger agent of `name`'s escalated task runs with on `provider`, as a replica would:
   * handed our tools where that CLI's config has our entry, else the environment a server of ours
   * its CLI may start reads.
   */
  async escalationOf(name: string, provider: string): Promise<Pick<LaunchRequest, "env" | "mcpEnv" | "ownEntry" | "prepare">> {
    const d = this.#definitions.get(name);
    const granted = this.#grants.get(name);
    if (d === undefined || granted === undefined) return {};
    const handing = d.machine === undefined ? await this.#handing(provider, d.cwd ?? this.cwd, granted) : undefined;
    return handing ?? { env: childEnv(this.#lineage, granted, undefined), mcpEnv: [...LINEAGE_ENV] };
  }

  // Our tools for an agent on `provider` in `cwd` whose CLI has our entry, issued for its id as it
  // starts (after `prepare`), its environment holding only its depth, as a launched agent's: the one
  // server knows the rest. Undefined where that CLI has no entry of ours.
  async #handing(provider: string, cwd: string, granted: Grant, prepare?: LaunchRequest["prepare"]) {
    const hand = this.#hand;
    const own = hand === undefined ? undefined : await ownEntryFor([provider], cwd);
    if (hand === undefined || own === undefined) return undefined;
    const lineage = this.#lineage;
    const handed = async (agentId: string): Promise<Prepared> => ({
      ...(await prepare?.(agentId)),
      mcpServers: await hand(scopeOf(lineage, agentId, granted)),
    });
    return { ownEntry: own, env: { [DEPTH_ENV]: String(lineage.depth + 1) }, prepare: handed };
  }

  // Replicas of an isolated definition each make a worktree as they start and keep each task's work on a branch of its own.
  #isolated(d: PoolDefinition, spec: PoolAgentSpec): PoolAgentSpec {
    const worktrees = this.#worktrees;
    if (d.isolation !== "worktree") return spec;
    const where = { pool: d.name, cwd: this.cwd, ...definedFields({ base: d.base }) };
    return {
      ...spec,
      launch: { ...spec.launch, prepare: async (agentId) => worktrees.replica(where)(agentId) },
      settle: async (agentId, task) => worktrees.settleTask(agentId, task),
      variant: `worktree from ${d.base ?? "HEAD"}`,
    };
  }

  // A task that asks returns its invoke at once (status running, the request pending) instead of at the deadline.
  #returnOnAsk(name: string, asks: Asking): ReturnType<typeof asking> {
    const { permissionPolicy: policy } = asks;
    if (policy === undefined) return asks;
    return {
      ...asks,
      permissionPolicy: (request, agent) => {
        const ruling = policy(request, agent);
        // The supervisor parks the replica once the policy returns; detach its caller after that.
        if (ruling.decision === "ask")
          queueMicrotask(() => {
            for (const r of this.pool.list(name)) if (r.agentId !== undefined && r.status === "permission_requested") this.pool.detach(r.agentId);
          });
        return ruling;
      },
    };
  }

  /**
   * The definition named `name` if this server may start its replicas: not at the deepest nesting
   * level, and asking for no more than this server was given. Otherwise the error says why.
   */
  startable(name: string): PoolDefinition {
    const found = this.require(name);
    checkDepth(this.#lineage);
    const refused = this.#refused.get(name);
    if (refused !== undefined) throw refused;
    return found;
  }

  definition(name: string): PoolDefinition | undefined {
    return this.#definitions.get(name);
  }

  /** The definition named `name`, or an error saying why there is none: the file and its problem when one is known. */
  require(name: string): PoolDefinition {
    const found = this.#definitions.get(name);
    if (found !== undefined) return found;
    const why = Object.hasOwn(this.#unusable, name) ? this.#unusable[name] : undefined;
    if (why !== undefined) throw new ServerError("INVALID_ARGUMENT", `pool agent "${name}" cannot be used: ${why.join("; ")}`);
    const known =
      this.definitions()
        .map((d) => d.name)
        .join(", ") || "none";
    const more = this.#problems.length > 0 ? `; list_pool shows ${this.#problems.length} problem(s) with definition files` : "";
    throw new ServerError("INVALID_ARGUMENT", `no pool agent named "${name}" (defined: ${known})${more}`);
  }

  definitions(): PoolDefinition[] {
    return [...this.#definitions.values()];
  }

  problems(): string[] {
    return this.#problems;
  }
}

/** Where this server stands: its depth, the deepest allowed, and what it may grant. */
interface Lineage {
  depth: number;
  maxDepth: number;
  ceiling: Ceiling | undefined;
  /** The agents this server runs under (a nested server's). */
  lineage?: readonly string[] | undefined;
}

// Replicas are sub-agents like any other: one level deeper, with the grant as their own ceiling, no mailbox, asking as launches do.
function specOf(d: PoolDefinition, cwd: string, granted: Grant, lineage: Lineage, asks: Asking, passed: PassedServers): PoolAgentSpec {
  return {
    name: d.name,
    replicas: d.replicas,
    maxTurnsPerProcess: d.maxTurnsPerProcess,
    resetStrategy: DEFAULT_RESET[d.provider] ?? ACP_RESET,
    launch: {
      provider: d.provider,
      cwd,
      systemPromptAppend: d.systemPrompt,
      ...definedFields({ model: d.model, effort: d.effort, allowedTools: d.allowedTools, permissionMode: granted.mode }),
      ...asks,
      ...definedFields({ budget: d.budget, review: d.review }),
      env: childEnv(lineage, granted, undefined),
      mcpEnv: [...LINEAGE_ENV],
      ...(passed.specs.length === 0 ? {} : { mcpServers: passed.specs }),
    },
  };
}
