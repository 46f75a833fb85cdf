import { BudgetSchema, SafeName } from "@subagent-mcp/core";
import { z } from "zod";
import { EscalateSchema, McpServerSpecSchema, ProviderSchema } from "@subagent-mcp/contract";

// Claude Code writes tools as "Read, Grep, Bash"; we also take a YAML list.
const ToolList = z.union([z.array(z.string().min(1)), z.string()]).transform((v) => (Array.isArray(v) ? v : v.split(",")).map((t) => t.trim()).filter(Boolean));

/** The frontmatter keys we know; anything else is Claude Code's or a typo and only warns. */
export const KNOWN_KEYS = new Set([
  "name",
  "description",
  "provider",
  "model",
  "effort",
  "tools",
  "allowed_tools",
  "permission_mode",
  "permissionMode",
  "skills",
  "expertise",
  "replicas",
  "max_turns_per_process",
  "permissions",
  "isolation",
  "base",
  "budget",
  "machine",
  "cwd",
  "escalate",
  "category",
  "mcp_servers",
  "mcpServers",
]);

// The user's MCP servers its replicas get: names from a host's config, "inherit", or specs written out.
const McpServerList = z.array(z.union([z.string().min(1).max(64), McpServerSpecSchema])).max(32);

// Rule strings in Claude Code's syntax, one per list item (a rule may hold commas); the server parses them.
const RuleList = z.array(z.string().min(1));

/** Rules for the agent's permission requests, `{allow, deny, ask}`. */
const DefinitionRulesSchema = z.strictObject({ allow: RuleList.optional(), deny: RuleList.optional(), ask: RuleList.optional() });

/** Where an agent works: in the given directory (`none`), or in a git worktree of its own on its own branch. */
const IsolationSchema = z.enum(["none", "worktree"]);

/** The frontmatter of an agent definition file. */
export const FrontmatterSchema = z
  .object({
    name: SafeName,
    description: z.string().optional(),
    provider: ProviderSchema.default("claude"),
    model: z.string().min(1).optional(),
    effort: z.string().min(1).optional(),
    tools: ToolList.optional(),
    allowed_tools: ToolList.optional(),
    permission_mode: z.string().min(1).optional(),
    permissionMode: z.string().min(1).optional(),
    skills: z.array(SafeName).default([]),
    expertise: z.array(SafeName).default([]),
    replicas: z.int().min(1).max(16).default(1),
    max_turns_per_process: z.int().min(1).default(20),
    permissions: DefinitionRulesSchema.optional(),
    /** `worktree` (as in Claude Code's agent files): each replica works in a git worktree of its own. */
    isolation: IsolationSchema.optional(),
    /** The ref a replica's worktree starts from (default: the repository's HEAD). */
    base: z.string().min(1).optional(),
    /** Limits on what each replica may spend (see launch_agent's budget). */
    budget: BudgetSchema.optional(),
    /** The machine of the fleet its replicas run on: a node's name, or "any" (each replica placed as it starts). */
    machine: z.string().min(1).max(128).optional(),
    /** With `machine`: the absolute folder there its replicas work in (default: the server's folder, the same path there). */
    cwd: z.string().min(1).startsWith("/", "cwd must be an absolute path on the machine").optional(),
    /** A task that ends in an error (or fails `check`) goes to a stronger candidate of `category` (launch_agent's escalate). */
    escalate: EscalateSchema.optional(),
    /** The task category whose routing entry lists the stronger candidates (default fallback_default); the server checks the name. */
    category: z.string().min(1).max(64).optional(),
    /** The user's MCP servers its replicas get (launch_agent's mcp_servers); `mcpServers` is taken too. */
    mcp_servers: McpServerList.optional(),
    mcpServers: McpServerList.optional(),
  })
  .refine((f) => f.cwd === undefined || f.machine !== undefined, {
    path: ["cwd"],
    message: "cwd is only for an agent on another machine (with machine:); here it works in the server's folder",
  })
  // The check and the stronger agent work on the task's files here, in the server's folder, once the replica's turn ended.
  .refine((f) => f.escalate === undefined || f.isolation !== "worktree", {
    path: ["escalate"],
    message:
      'escalate is not offered with isolation: worktree yet: a task\'s work moves to a branch of its own as its turn ends, where neither the check nor a stronger agent would see it; use isolation: none, or launch_agent with isolation "worktree" and escalate',
  })
  .refine((f) => f.escalate === undefined || f.machine === undefined, {
    path: ["escalate"],
    message: "escalate is not offered with machine: the check and the stronger agent run here, on this machine's files, and the task's work is on the other",
  });

/** A loaded agent definition: its frontmatter, normalised, and its body (the system prompt). */
export const AgentDefinitionSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  provider: ProviderSchema,
  model: z.string().optional(),
  effort: z.string().optional(),
  allowedTools: z.array(z.string()).optional(),
  permissionMode: z.string().optional(),
  permissions: DefinitionRulesSchema.optional(),
  isolation: IsolationSchema.optional(),
  base: z.string().optional(),
  budget: BudgetSchema.optional(),
  machine: z.string().optional(),
  cwd: z.string().optional(),
  escalate: EscalateSchema.optional(),
  category: z.string().optional(),
  mcpServers: McpServerList.optional(),
  skills: z.array(z.string()),
  expertise: z.array(z.string()),
  replicas: z.int(),
  maxTurnsPerProcess: z.int(),
  body: z.string(),
  file: z.string(),
});
export type AgentDefinition = z.infer<typeof AgentDefinitionSchema>;

/** Who chose a definition's directory: the environment and the user are trusted, a project is not. */
export type DefinitionScope = "env" | "project" | "user";

/** A definition as loaded: where its directory came from and the sha256 of the bytes it was read from. */
export type LoadedDefinition = AgentDefinition & {
  scope: DefinitionScope;
  /** Hex. */
  sha256: string;
};
