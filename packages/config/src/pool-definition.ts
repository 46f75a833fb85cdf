import type { PermissionRules } from "@subagent-mcp/permissions";
import type { Budget } from "@subagent-mcp/core";
import type { TaskCategory } from "@subagent-mcp/routing";
import type { Escalate, McpServerSpec, Provider, Review } from "@subagent-mcp/contract";

// What the server's pool reads agent definitions as; @subagent-mcp/agents/pool loads them, with the project's trust.

/** A pool agent as the server knows it: where it came from and how to launch it. */
export interface PoolDefinition {
  name: string;
  description: string | undefined;
  file: string;
  provider: Provider;
  model: string | undefined;
  effort: string | undefined;
  allowedTools: string[] | undefined;
  permissionMode: string | undefined;
  /** Rules for its replicas' permission requests, after the config's. */
  permissions?: PermissionRules | undefined;
  replicas: number;
  maxTurnsPerProcess: number;
  /** The composed, byte-stable system prompt (definition body, skills, expertise). */
  systemPrompt: string;
  /** `worktree`: each replica works in a git worktree of its own, each task's work kept on a branch of its own. */
  isolation?: "none" | "worktree" | undefined;
  /** The ref the replicas' worktrees start from (default: HEAD). */
  base?: string | undefined;
  /** Limits on what each replica may spend. */
  budget?: Budget | undefined;
  /** The machine of the fleet its replicas run on (a node's name, or "any"); absent: this one. */
  machine?: string | undefined;
  /** With a machine: the folder there its replicas work in (default: the server's, the same path there). */
  cwd?: string | undefined;
  /** A task that ends in an error, or fails the check, goes to a stronger candidate (see pool-escalation.ts). */
  escalate?: Escalate | undefined;
  /** A second opinion on each task that changed files (see launch_agent's review). */
  review?: Review | undefined;
  /** The task category whose routing entry gives the stronger candidates (default fallback_default). */
  category?: TaskCategory | undefined;
  /** The user's MCP servers its replicas get (names, "inherit", or specs), resolved by the server. */
  mcpServers?: readonly (string | McpServerSpec)[] | undefined;
}

/**
 * The definitions the pool can run; problems are reported, never thrown. `unusable` names, per
 * agent, the problems that kept its definition out (a file that failed to load, a grant the
 * project is not trusted with), so asking for it by name says why.
 */
export interface DefinitionSet {
  definitions: PoolDefinition[];
  problems: string[];
  unusable?: Record<string, string[]>;
}

/** Loads the definitions, read again on every pool call; may be async (to load its parser on first use). */
export type DefinitionSource = () => DefinitionSet | Promise<DefinitionSet>;
