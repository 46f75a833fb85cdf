// What launch_agent is made of besides its flow: the working folder, the worktree, the sub-agent's
// messaging and budget.
import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { AgentView, Budget, LaunchRequest, McpServerSpec, Supervisor } from "@subagent-mcp/core";
import type { PermissionRules } from "@subagent-mcp/permissions";
import { mcpToolName } from "@subagent-mcp/drivers/light";
import type { WorktreeOut } from "@subagent-mcp/contract";
import { ServerError } from "../errors.js";
import { tighter } from "@subagent-mcp/budgets";
import type { ToolDeps } from "../deps.js";
import type { AgentWorktrees } from "@subagent-mcp/worktrees";
import { MESSAGING_TOOLS } from "../tools/messages.js";
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

/** A sub-agent's messaging tools as its CLI's allow-list names them (Claude Code's and Gemini CLI's naming; each CLI ignores the other's). */
export function messagingToolNames(): string[] {
  return MESSAGING_TOOLS.flatMap((t) => [mcpToolName("claude", CHILD_SERVER, t), mcpToolName("gemini", CHILD_SERVER, t)]);
}

/** The name a sub-agent sees its messaging server under: distinct from a user-wide "subagent-mcp" entry it may also load. */
export const CHILD_SERVER = "mailbox";

/**
 * A sub-agent's own messaging: its id doubles as its mailbox name, its subagent-mcp server speaks
 * for it, the messaging tools are allowed (in Claude Code's and Gemini CLI's naming; each CLI
 * ignores the other's), and its prompt says whom to ask.
 */
export async function childMessaging(
  deps: ToolDeps,
  id: string,
  append: string | undefined,
  allowed: string[] | undefined,
  rules?: PermissionRules,
  /** It runs on another machine of the fleet: that machine hands it its messaging server, given its mailbox name. */
  remote = false,
): Promise<{ id: string; messaging: boolean; mcpServers?: McpServerSpec[]; mailbox?: string; systemPromptAppend?: string; allowedTools?: string[] }> {
  const { childServer, messaging } = deps;
  if (childServer === undefined || messaging === undefined)
    return {
      id,
      messaging: false,
      ...definedFields({ systemPromptAppend: append, allowedTools: allowed }),
    };
  const parent = messaging.self;
  const note = `You are sub-agent "${id}", started by "${parent}". If you need an answer from ${parent} to go on, ask with the send_to tool of the "${CHILD_SERVER}" MCP server (to: "${parent}") and then call its wait_inbox.`;
  return {
    id,
    messaging: true,
    // Its mailbox name goes with it wherever it runs: a failover onto a machine of the fleet gets it served there.
    mailbox: id,
    ...(remote ? {} : { mcpServers: [await childServer(id, rules)] }),
    systemPromptAppend: append === undefined ? note : `${append}\n\n${note}`,
    allowedTools: [...(allowed ?? []), ...messagingToolNames()],
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

/** Where the server under agent `id` shares its tree's budget live: none for an agent on another machine (our endpoint is loopback). */
export async function treeUrlFor(deps: ToolDeps, placement: unknown, id: string): Promise<string | undefined> {
  return placement === undefined ? deps.treeUrl?.(id) : undefined;
}

/** The launch's budget over the config's per-agent default (its limits win one by one), within `cap` when given. */
export function budgetOf(defaults: Budget | undefined, own: Budget | undefined, cap?: Budget): { budget?: Budget } {
  const budget = defaults === undefined && own === undefined ? undefined : { ...defaults, ...own };
  const capped = tighter(budget, cap);
  return capped === undefined ? {} : { budget: capped };
}
