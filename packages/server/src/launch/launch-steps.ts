// What launch_agent is made of besides its flow: the working folder, the worktree, the sub-agent's
// messaging and budget.
import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { AgentView, Budget, LaunchRequest, McpServerSpec, Supervisor } from "@subagent-mcp/core";
import { homedir } from "node:os";
import type { Grant, PermissionRules } from "@subagent-mcp/permissions";
import { DEPTH_ENV, LEVEL, LINEAGE_ENV, SERVER_NAME } from "@subagent-mcp/contract";
import type { AgentScope } from "../nesting/agent-tree.js";
import { mcpToolName } from "@subagent-mcp/drivers/light";
import type { WorktreeOut } from "@subagent-mcp/contract";
import { ServerError } from "../errors.js";
import { tighter } from "@subagent-mcp/budgets";
import type { ToolDeps } from "../deps.js";
import type { AgentWorktrees } from "@subagent-mcp/worktrees";
import { MESSAGING_TOOLS } from "../tools/messages.js";
import { BOARD_MEMBER_TOOLS } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

// The fields of `o` that are set.
export function optional<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
// The agent's own worktree, with the launch's work to do before its CLI starts.
export async function isolate(worktrees: AgentWorktrees, agentId: string, cwd: string, base: string | undefined, label: string | undefined) {
  const opened = await worktrees.open({ agentId, cwd, ...definedFields({ base, label }) });
  return {
    ...opened,
    view: worktrees.view(agentId) as WorktreeOut,
    release: () => {
      worktrees.abandon(agentId);
    },
  };
}

// A launch the supervisor refuses (e.g. its queue is full) leaves no worktree behind.
export function launchOrAbandon(supervisor: Supervisor, isolated: { release: () => void } | undefined, request: LaunchRequest): AgentView {
  try {
    return supervisor.launch(request);
  } catch (error) {
    isolated?.release();
    throw error;
  }
}

/** A sub-agent's messaging tools on `server` as its CLI's allow-list names them (Claude Code's and Gemini CLI's naming; each CLI ignores the other's). */
export function messagingToolNames(server: string = CHILD_SERVER): string[] {
  return [...MESSAGING_TOOLS, ...BOARD_MEMBER_TOOLS].flatMap((t) => [mcpToolName("claude", server, t), mcpToolName("gemini", server, t)]);
}

/** The server of `handed` that carries a sub-agent's messaging tools: its mailbox server, or its own tools handed with messaging on. */
export function messagingServer(deps: Pick<ToolDeps, "childMailbox">, handed: readonly McpServerSpec[]): string | undefined {
  if (handed.some((s) => s.name === CHILD_SERVER)) return CHILD_SERVER;
  return deps.childMailbox && handed.some((s) => s.name === OWN_SERVER) ? OWN_SERVER : undefined;
}

/** The name a sub-agent sees its messaging server under: distinct from our own entry, which it may also be handed. */
export const CHILD_SERVER = "mailbox";

/** The name a sub-agent is handed its own subagent-mcp tools under: the user's entry of ours, overridden for its session. */
export const OWN_SERVER = SERVER_NAME;

/**
 * What takes the place of our own entry for a session, when the CLI of any of `providers`, started
 * in `cwd`, would start that entry (from `setup` or the user's config) as a server of its own: ours
 * is then handed by that name instead (`others`: the CLIs' other entries, for one that needs them
 * named). Undefined when none of them has our entry.
 */
export async function ownEntryFor(providers: readonly string[], cwd: string): Promise<{ name: string; others: string[]; in: string[] } | undefined> {
  const { registersUs } = await import("@subagent-mcp/hosts");
  const ctx = { home: process.env.HOME ?? homedir(), cwd, env: process.env };
  const names = [...new Set(providers)];
  const found = await Promise.all(names.map((p) => registersUs(p, ctx).catch(() => ({ ours: false, others: [] }))));
  const where = names.filter((_, i) => found[i]?.ours === true);
  if (where.length === 0) return undefined;
  return { name: OWN_SERVER, others: [...new Set(found.flatMap((f) => f.others))], in: where };
}

/** The scope a sub-agent's own tools act in: one level deeper, within what it was granted, under the launching agent's lineage. */
export function scopeOf(deps: { depth: number; lineage?: readonly string[] | undefined }, id: string, granted: Grant): AgentScope {
  const tools = granted.level === LEVEL.bypassPermissions ? undefined : (granted.tools ?? []);
  return { id, depth: deps.depth + 1, ceiling: { level: granted.level, tools }, lineage: [...(deps.lineage ?? []), id] };
}

/**
 * The servers sub-agent `scope.id` is handed (none on another machine: our endpoint is loopback,
 * its node serves its mailbox there): its own tools when `own`, its messaging when the config gives
 * sub-agents theirs. It joins the tree under the agent whose tools launched it.
 */
export async function handServers(
  deps: ToolDeps,
  scope: AgentScope,
  own: boolean,
  rules: PermissionRules | undefined,
  remote: boolean,
): Promise<McpServerSpec[]> {
  const servers = deps.agentServers;
  if (servers === undefined) return [];
  if (remote) {
    servers.tree.admit(scope, deps.launchedBy);
    return [];
  }
  return servers.hand(scope, deps.launchedBy, { own, mailbox: deps.childMailbox ? { rules } : undefined });
}

/**
 * What a sub-agent's environment says of where it runs. Here, only its depth: the one server knows
 * the rest (its CLI was handed our tools, or its config has no entry of ours to start), and the
 * depth tells our hooks, before they start anything, that this is no orchestrator. On another
 * machine (`remote`), `full` (depth, grant, lineage, budget), for the subagent-mcp server its CLI
 * may start there from that machine's config.
 */
export function nestingEnv(remote: boolean, depth: number, full: () => Record<string, string>): { env: Record<string, string>; mcpEnv?: string[] } {
  if (!remote) return { env: { [DEPTH_ENV]: String(depth) } };
  return { env: full(), mcpEnv: [...LINEAGE_ENV] };
}

/**
 * A sub-agent's own messaging: its id doubles as its mailbox name, the messaging tools of the
 * servers it was `handed` are allowed (in Claude Code's and Gemini CLI's naming; each CLI ignores
 * the other's), and its prompt says whom to ask.
 */
export function childMessaging(
  deps: ToolDeps,
  id: string,
  append: string | undefined,
  allowed: string[] | undefined,
  handed: readonly McpServerSpec[],
  /** It runs on another machine of the fleet: that machine hands it its messaging server, given its mailbox name. */
  remote = false,
): { id: string; messaging: boolean; mcpServers?: McpServerSpec[]; mailbox?: string; systemPromptAppend?: string; allowedTools?: string[] } {
  const { messaging } = deps;
  const server = messagingServer(deps, handed) ?? (remote && deps.childMailbox ? CHILD_SERVER : undefined);
  const servers = handed.length === 0 ? {} : { mcpServers: [...handed] };
  if (server === undefined || messaging === undefined)
    return { id, messaging: false, ...servers, ...definedFields({ systemPromptAppend: append, allowedTools: allowed }) };
  const parent = messaging.self;
  const note = `You are sub-agent "${id}", started by "${parent}". If you need an answer from ${parent} to go on, ask with the send_to tool of the "${server}" MCP server (to: "${parent}") and then call its wait_inbox.`;
  return {
    id,
    messaging: true,
    // Its mailbox name goes with it wherever it runs: a failover onto a machine of the fleet gets it served there.
    mailbox: id,
    ...servers,
    systemPromptAppend: append === undefined ? note : `${append}\n\n${note}`,
    allowedTools: [...(allowed ?? []), ...messagingToolNames(server)],
  };
}

// A path on the other machine: it cannot be checked here (its node refuses one outside its roots).
export function remoteCwd(cwd: string | undefined, fallback: string): string {
  if (cwd === undefined) return fallback;
  if (!isAbsolute(cwd)) throw new ServerError("INVALID_ARGUMENT", `cwd on another machine must be an absolute path there; got ${cwd}`);
  return cwd;
}

export function checkCwd(cwd: string | undefined, fallback: string): string {
  if (cwd === undefined) return fallback;
  const path = isAbsolute(cwd) ? cwd : resolve(fallback, cwd);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new ServerError("INVALID_ARGUMENT", `cwd must be an existing directory: ${path} is not one`);
  return path;
}

export const isEmpty = (rules: PermissionRules): boolean => (rules.allow ?? []).length + (rules.deny ?? []).length + (rules.ask ?? []).length === 0;

/** The launch's budget over the config's per-agent default (its limits win one by one), within `cap` when given. */
export function budgetOf(defaults: Budget | undefined, own: Budget | undefined, cap?: Budget): { budget?: Budget } {
  const budget = defaults === undefined && own === undefined ? undefined : { ...defaults, ...own };
  const capped = tighter(budget, cap);
  return capped === undefined ? {} : { budget: capped };
}
