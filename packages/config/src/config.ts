import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { BudgetSchema, DEFAULT_CAP, liveBound } from "@subagent-mcp/core";
import { capsOf, envSetting, executablesOf } from "./provider-settings.js";
import { PermissionRulesSchema, type PermissionRules } from "@subagent-mcp/permissions";
import { DEFAULT_TABLE, mergeRoutingTable, RoutingConfigSchema, type Branch, type RoutingTable } from "@subagent-mcp/routing";
import { checkCapProviders, tighterCaps } from "./spend-caps.js";
import { routedChecks, routedMachines, routedProviders, routedServers, untrustedRouting } from "./routing-trust.js";
import { z } from "zod";
import { CONFIG_DEFAULTS } from "./defaults.js";
import { ConfigError } from "./errors.js";
import { effectiveMailbox } from "./mailbox.js";
import { mergeRules } from "@subagent-mcp/permissions";
import { receiptsOf } from "./receipts-config.js";
import { trustedRuns, TrustedRunsWatch, type TrustedRuns } from "./trusted-runs.js";
import { gateProject } from "./project-gate.js";
import { PROJECT_CONFIG, sha256, TrustStore } from "./trust.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { ENV_SETTINGS } from "@subagent-mcp/contract";
import {
  AcpAgentConfigSchema,
  BUILTIN_PROVIDERS,
  definedFields,
  FleetConfigSchema,
  MailboxConfigSchema,
  PriceTableSchema,
  ProviderSchema,
  ReceiptsConfigSchema,
  resolveAcpAgents,
  SANDBOX_MODES,
  sandboxSetting,
  SpendCapsSchema,
  WorktreeConfigSchema,
  type AcpAgentSpec,
  type Provider,
  type SandboxMode,
} from "@subagent-mcp/contract";

/** The one schema of both config files (user and project). Unknown keys are errors: typos show. */
export const ConfigSchema = z.strictObject({
  /** Processing agents allowed per provider (default 5). */
  caps: z.record(ProviderSchema, z.int().min(1).max(100)).optional(),
  /** No visible output for this long marks an agent stalled (default 600). */
  stall_seconds: z.number().positive().optional(),
  /** A sub-agent's permission request left unanswered this long is denied (default 300). */
  permission_timeout_s: z.number().positive().optional(),
  /** An ACP agent that leaves a handshake step (initialize, session/new, session/load) unanswered this long is ended errored (default 60). */
  handshake_timeout_s: z.number().positive().optional(),
  /** Deepest chain of nested subagent-mcp servers allowed (default 2). */
  max_depth: z.int().min(0).max(10).optional(),
  /** Agents' journals untouched this many days are deleted when a server starts (default 14; 0: never). */
  journal_retention_days: z.number().min(0).optional(),
  /** An agent idle this long is hibernated: its process closed, its session kept for the next message (default 600; 0: never). */
  idle_ttl_s: z.number().min(0).optional(),
  /** The CPU niceness agents' CLIs run at, 0-19 (default 19; 0: the server's own), so that the server stays responsive when they saturate the machine. */
  agent_nice: z.int().min(0).max(19).optional(),
  /** Live CLI processes kept per provider (default twice its cap, never below it); see SupervisorOptions.maxLive. */
  max_live: z.int().min(1).max(1000).optional(),
  /** Explicit CLI executables, over PATH. From a project's file only once the user trusts it. */
  executables: z.record(ProviderSchema, z.string().min(1)).optional(),
  /**
   * ACP agents as providers, beside the built-in ones: `{"<name>": {command, args, env, cap}}`. The
   * presets (qwen, opencode) need no entry; one may give only `args`/`env`. From a project's file
   * only once trusted: it chooses what runs.
   */
  providers: z.record(ProviderSchema, AcpAgentConfigSchema).optional(),
  /** Routing branch and table overrides (see @subagent-mcp/routing). */
  routing: RoutingConfigSchema.optional(),
  /** Rules for every sub-agent's permission requests; a project's `allow` rules apply only once the user trusts it. */
  permissions: PermissionRulesSchema.optional(),
  /** Model prices in USD per million tokens for `usage`, over the built-in ones (e.g. {"gpt-6.1-sol": {"input": 1.75, "output": 14}}; "family-*" rules allowed). */
  prices: PriceTableSchema.optional(),
  /** Caps per provider or `provider/model` over all the user's servers and workers: `{day_usd, week_usd, day_turns, week_turns}` per UTC day and ISO week (from Monday UTC); see spend-caps.ts. */
  spend_caps: SpendCapsSchema.optional(),
  /** Each agent's budget unless its launch or definition gives its own limits. */
  budget: BudgetSchema.optional(),
  /** Budgets over many agents: this server's (one host session) and this project's per calendar day (UTC); reaching one refuses new launches. */
  budgets: z.strictObject({ session: BudgetSchema.optional(), daily: BudgetSchema.optional() }).optional(),
  /** A provider whose CLI reports a subscription window used this much (0-100) gets no new launch until it resets (default: off). */
  quota_percent: z.number().min(0).max(100).optional(),
  /** `isolation: "worktree"`: a shell command run at the root of each new worktree before its agent starts (from a project's file only once trusted). */
  worktree: WorktreeConfigSchema.optional(),
  /** Mailboxes on Redis Streams, for workers and agents on several machines (default: a Maildir on this one). From a project's file only once trusted. */
  mailbox: MailboxConfigSchema.optional(),
  /** What `subagent-mcp node` lends this machine's CLIs under, see FleetConfigSchema. Read from the user's file only. */
  fleet: FleetConfigSchema.optional(),
  /** The OS sandbox every agent CLI runs in: `auto` (default: where the machine has one), `off`, or `required` (no launch without one). Read from the user's file only (SUBAGENT_MCP_SANDBOX over it). */
  sandbox: z.enum(SANDBOX_MODES).optional(),
  /** Turn receipts: test commands, success claims and change requests added to the built-in lists (`defaults: false` replaces them; from a project's file only once trusted). */
  receipts: ReceiptsConfigSchema.optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

/** The effective configuration, with the routing table already merged. */
export interface EffectiveConfig extends Omit<Config, "routing" | "permissions" | "sandbox"> {
  /** The sandbox setting in force: the environment's, else the user's file's, else `auto` (as `fleet`, the user's word alone: a project cannot lift it). */
  sandbox: SandboxMode;
  /** The user's rules, then the project's (its allow rules only when trusted). */
  permissions: PermissionRules;
  routingTable: RoutingTable;
  routingBranch: Branch;
  /** Keys of the project's config left out because the project is not trusted (e.g. "executables.claude"). */
  ignored: string[];
  /** Providers of the project's config left out until the user trusts it (again), each with what to tell a launch that names it. */
  withheldProviders: Record<Provider, string>;
  /** The trusted project's files each provider runs, checked again before each of its processes (trusted-runs.ts). */
  trustedRuns?: TrustedRuns;
  /** With `trustedRuns`: throws when a file a provider runs is not the one the user trusted (the drivers call it before each process). */
  verifyRun?: (provider: Provider) => void;
  /** Every ACP provider (the presets and the configured ones), by name; Gemini CLI's driver is built in. */
  agents: ReadonlyMap<Provider, AcpAgentSpec>;
  /** Every provider name a launch, a definition or a routing entry may use: the built-in ones, then the ACP agents. */
  providerNames: Provider[];
}

/** Where the user's config lives: $XDG_CONFIG_HOME/subagent-mcp/config.json. */
export function userConfigPath(env: Record<string, string | undefined>): string {
  return join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), ".config"), "subagent-mcp", "config.json");
}

// The parsed file and the sha256 of the bytes parsed (undefined when there is no file).
function readConfig(path: string): { config: Config; digest?: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return { config: {} };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ConfigError("CONFIG_INVALID", `${path}: not valid JSON (${errorMessage(error)})`);
  }
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ConfigError("CONFIG_INVALID", `${path}: ${issues}`);
  }
  return { config: parsed.data, digest: sha256(bytes) };
}

/**
 * The settings of a project's config that need the user's trust, as "key: why": anything that
 * chooses a program to run (`executables`), and limits raised above the user's own (`caps`,
 * `max_depth`, `max_live`; lowering them is fine). The rest only tunes behaviour.
 */
export function privilegedSettings(project: Config, user: Config): Map<string, string> {
  const out = new Map<string, string>();
  for (const [provider, path] of Object.entries(project.executables ?? {})) out.set(`executables.${provider}`, `executables.${provider} (${path})`);
  // A provider entry names a program to run, with its arguments and environment.
  for (const [provider, entry] of Object.entries(project.providers ?? {}))
    out.set(`providers.${provider}`, `providers.${provider} (${[entry.command ?? provider, ...(entry.args ?? [])].join(" ")})`);
  for (const [provider, cap] of Object.entries(project.caps ?? {})) {
    const own = user.caps?.[provider] ?? DEFAULT_CAP;
    if (cap > own) out.set(`caps.${provider}`, `caps.${provider} ${cap} (yours: ${own})`);
  }
  const depth = user.max_depth ?? CONFIG_DEFAULTS.max_depth;
  if (project.max_depth !== undefined && project.max_depth > depth) out.set("max_depth", `max_depth ${project.max_depth} (yours: ${depth})`);
  const live = liveBound(DEFAULT_CAP, user.max_live);
  if (project.max_live !== undefined && project.max_live > live) out.set("max_live", `max_live ${project.max_live} (yours: ${live})`);
  // An allow rule answers a request without anyone seeing it; deny and ask rules only narrow.
  const allow = project.permissions?.allow ?? [];
  if (allow.length > 0) out.set("permissions.allow", `permissions.allow ${allow.join(", ")}`);
  // A setup command runs with the user's rights before any agent's permissions apply.
  if (project.worktree?.setup !== undefined) out.set("worktree.setup", `worktree.setup (${project.worktree.setup})`);
  // Where a task (its prompt, the repository it names) is sent to run: another machine of the fleet.
  const remote = routedMachines(project.routing);
  if (remote.length > 0) out.set("routing.machine", `routing entries on ${remote.join(", ")}`);
  // An escalation's check is a shell command run after an agent's turn, with the user's rights.
  const checks = routedChecks(project.routing);
  if (checks.length > 0) out.set("routing.escalate", `routing escalation checks (${checks.join("; ")})`);
  // Where messages go and where workers take their instructions from.
  // A category's MCP servers run programs (or reach URLs) with the user's rights and secrets.
  const servers = routedServers(project.routing);
  if (servers.length > 0) out.set("routing.mcp_servers", `routing mcp_servers (${servers.join(", ")})`);
  // Without the built-in lists a project could make no claim ever look suspect.
  if (project.receipts?.defaults === false) out.set("receipts.defaults", "receipts.defaults false (the built-in test commands and claims dropped)");
  if (project.mailbox !== undefined) out.set("mailbox", `mailbox (${project.mailbox.url === undefined ? "settings" : redactUrl(project.mailbox.url)})`);
  return out;
}

// The project's config without the settings named in `keys` ("caps.codex", "executables.claude", "max_depth").
function without(project: Config, keys: string[]): Config {
  const drop = new Set(keys);
  const keep = <T>(section: string, record: Record<Provider, T> | undefined): Record<Provider, T> =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([provider]) => !drop.has(`${section}.${provider}`)));
  const { max_depth: maxDepth, max_live: maxLive, permissions, worktree, mailbox, routing, receipts, ...rest } = project;
  const { allow: _allow, ...narrowing } = permissions ?? {};
  const { setup: _setup, ...untrusted } = worktree ?? {};
  return {
    ...rest,
    ...(worktree === undefined ? {} : { worktree: drop.has("worktree.setup") ? untrusted : worktree }),
    ...(mailbox === undefined || drop.has("mailbox") ? {} : { mailbox }),
    ...(receipts === undefined ? {} : { receipts: drop.has("receipts.defaults") ? { ...receipts, defaults: true } : receipts }),
    // Untrusted routing entries run here: their machines are left out.
    ...(routing === undefined
      ? {}
      : { routing: untrustedRouting(routing, drop.has("routing.machine"), drop.has("routing.escalate"), drop.has("routing.mcp_servers")) }),
    ...(permissions === undefined ? {} : { permissions: drop.has("permissions.allow") ? narrowing : permissions }),
    caps: keep("caps", project.caps),
    executables: keep("executables", project.executables),
    providers: keep("providers", project.providers),
    ...(maxDepth === undefined || drop.has("max_depth") ? {} : { max_depth: maxDepth }),
    ...(maxLive === undefined || drop.has("max_live") ? {} : { max_live: maxLive }),
  };
}

// A URL as it may be shown: its password replaced.
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "an unparseable URL";
  }
}

// Each distinct notice once per process: the server, `route` and `worker` all load the config.
const said = new Set<string>();
function sayOnce(line: string): void {
  if (said.has(line)) return;
  said.add(line);
  process.stderr.write(`${line}\n`);
}

/**
 * The effective configuration: the user's file, then the project's `.subagent-mcp/config.json`
 * (which wins, except for settings that need trust: see {@link privilegedSettings}; those apply
 * only once the user ran `subagent-mcp trust` on the file's current content), then SUBAGENT_MCP_*
 * environment variables (which win over both). Ignored settings are said once on stderr; the
 * server still starts.
 */
export function loadConfig(options: {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Where trust is recorded (default: $XDG_STATE_HOME/subagent-mcp/trust.json). */
  trust?: TrustStore;
  /** Where a notice about ignored settings goes (default: stderr, once per process). */
  warn?: (line: string) => void;
}): EffectiveConfig {
  const { env } = options;
  const user = readConfig(userConfigPath(env)).config;
  const projectPath = join(options.cwd, PROJECT_CONFIG);
  const file = readConfig(projectPath);
  const privileged = privilegedSettings(file.config, user);
  const trust = options.trust ?? TrustStore.fromEnv(env);
  const { project, ignored, withheldProviders } =
    privileged.size > 0 && file.digest !== undefined
      ? gateProject({
          cwd: options.cwd,
          path: projectPath,
          digest: file.digest,
          project: file.config,
          privileged,
          trust,
          warn: options.warn ?? sayOnce,
          without,
        })
      : { project: file.config, ignored: [], withheldProviders: {} };
  const configured = { ...user.providers, ...project.providers };
  const resolved = resolveAcpAgents(configured);
  if ("error" in resolved) throw new ConfigError("CONFIG_INVALID", resolved.error);
  const agents = resolved.agents;
  const providers = [...BUILTIN_PROVIDERS, ...agents.keys()];
  const caps = capsOf(agents, [user.caps, project.caps], providers, env);
  // Each whole-number setting: its variable over the project's file over the user's.
  const setting = (key: keyof typeof ENV_SETTINGS): number | undefined => envSetting(env, key) ?? project[key] ?? user[key];
  const executables = executablesOf([user.executables, project.executables], providers, env);
  const routingTable = mergeRoutingTable(mergeRoutingTable(DEFAULT_TABLE, user.routing), project.routing);
  for (const name of [...Object.keys(caps), ...Object.keys(executables), ...routedProviders(routingTable)]) {
    if (!providers.includes(name)) throw new ConfigError("CONFIG_INVALID", `unknown provider "${name}"; the configured providers are ${providers.join(", ")}`);
  }
  checkCapProviders(Object.keys(user.spend_caps ?? {}), providers, userConfigPath(env));
  checkCapProviders(Object.keys(project.spend_caps ?? {}), providers, projectPath);
  return {
    agents,
    providerNames: providers,
    caps,
    ...definedFields({
      stall_seconds: setting("stall_seconds"),
      max_depth: setting("max_depth"),
      max_live: setting("max_live"),
      permission_timeout_s: setting("permission_timeout_s"),
      handshake_timeout_s: setting("handshake_timeout_s"),
      agent_nice: setting("agent_nice"),
      idle_ttl_s: setting("idle_ttl_s"),
      journal_retention_days: setting("journal_retention_days"),
    }),
    executables,
    routingTable,
    routingBranch: project.routing?.branch ?? user.routing?.branch ?? "cost_efficiency",
    permissions: mergeRules(user.permissions, project.permissions),
    worktree: { ...user.worktree, ...project.worktree },
    ...(user.budget === undefined && project.budget === undefined ? {} : { budget: { ...user.budget, ...project.budget } }),
    ...(user.budgets === undefined && project.budgets === undefined
      ? {}
      : { budgets: { session: { ...user.budgets?.session, ...project.budgets?.session }, daily: { ...user.budgets?.daily, ...project.budgets?.daily } } }),
    // The tighter of the two: a project may hold launches sooner, not later.
    ...definedFields({ quota_percent: project.quota_percent === undefined ? user.quota_percent : Math.min(project.quota_percent, user.quota_percent ?? 100) }),
    ...definedFields({ spend_caps: tighterCaps(user.spend_caps, project.spend_caps) }),
    ...definedFields({ receipts: receiptsOf(user.receipts, project.receipts) }),
    // Prices only change what `usage` reports: a project's apply without trust, over the user's.
    ...(user.prices === undefined && project.prices === undefined ? {} : { prices: { ...user.prices, ...project.prices } }),
    mailbox: effectiveMailbox(user.mailbox, project.mailbox, env),
    ...definedFields({ fleet: user.fleet }),
    sandbox: sandboxOf(env, user.sandbox),
    ignored,
    withheldProviders,
    // What the trusted project makes us run is held to its trust at every launch, not only now.
    ...checkedRuns(
      privileged.size === 0
        ? undefined
        : trustedRuns({ cwd: options.cwd, trust, projectExecutables: project.executables, executables, providers: project.providers }),
    ),
  };
}

// The trusted runs and their check, one watch per loaded config.
function checkedRuns(runs: TrustedRuns | undefined): Pick<EffectiveConfig, "trustedRuns" | "verifyRun"> {
  if (runs === undefined) return {};
  const watch = new TrustedRunsWatch(runs);
  return {
    trustedRuns: runs,
    verifyRun: (provider) => {
      watch.verify(provider);
    },
  };
}

// The environment's setting over the user's file's; a wrong word in the environment is a config error.
function sandboxOf(env: Record<string, string | undefined>, configured: SandboxMode | undefined): SandboxMode {
  const setting = sandboxSetting(env, configured);
  if ("error" in setting) throw new ConfigError("CONFIG_INVALID", setting.error);
  return setting.mode;
}
