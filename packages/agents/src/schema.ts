import { SafeName } from "@subagent-mcp/core";
import { z } from "zod";
import { launchOptionRules, LaunchOptionsSchema, ProviderSchema } from "@subagent-mcp/contract";

// What a definition shares with launch_agent (a launch option each) is contract's `LaunchOptionsSchema`,
// held to the same rules (`launchOptionRules`); the rest is a definition's own.
const Launch = LaunchOptionsSchema.shape;

// The launch options a definition's replicas take as launch_agent takes them.
const Replicas = LaunchOptionsSchema.pick({
  permissions: true,
  isolation: true,
  base: true,
  budget: true,
  machine: true,
  cwd: true,
  escalate: true,
  review: true,
});

// Claude Code writes tools as "Read, Grep, Bash"; we also take a YAML list.
const ToolList = z
  .union([Launch.allowed_tools.unwrap(), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((t) => t.trim()).filter(Boolean));

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
  "review",
  "category",
  "mcp_servers",
  "mcpServers",
]);

/** The frontmatter of an agent definition file. */
export const FrontmatterSchema = z
  .object({
    name: SafeName,
    description: z.string().optional(),
    provider: Launch.provider.unwrap().default("claude"),
    ...LaunchOptionsSchema.pick({ model: true, effort: true }).shape,
    tools: ToolList.optional(),
    allowed_tools: ToolList.optional(),
    permission_mode: Launch.permission_mode,
    permissionMode: Launch.permission_mode,
    skills: z.array(SafeName).default([]),
    expertise: z.array(SafeName).default([]),
    replicas: z.int().min(1).max(16).default(1),
    max_turns_per_process: z.int().min(1).default(20),
    // Per replica: `isolation: worktree` (as in Claude Code's agent files) a worktree of its own from `base`;
    // `machine` the fleet's machine it runs on (each placed as it starts), `cwd` its absolute folder there
    // (default: the server's folder, the same path there); `escalate` a failed task to a stronger candidate of `category`.
    ...Replicas.shape,
    /** The task category whose routing entry lists the stronger candidates (default fallback_default); the server checks the name. */
    category: z.string().min(1).max(64).optional(),
    /** The user's MCP servers its replicas get; `mcpServers` is taken too. */
    ...LaunchOptionsSchema.pick({ mcp_servers: true }).shape,
    mcpServers: Launch.mcp_servers,
  })
  // Read as the definition will be: its servers under either key.
  .superRefine((f, ctx) => {
    launchOptionRules({ ...f, mcp_servers: f.mcp_servers ?? f.mcpServers }, ctx);
  })
  // A definition's own rules: its replicas work here unless sent elsewhere, and settle each task onto a branch as its turn ends.
  .refine((f) => f.cwd === undefined || f.machine !== undefined, {
    path: ["cwd"],
    message: "cwd is only for an agent on another machine (with machine:); here it works in the server's folder",
  })
  // The check and the stronger agent work on the task's files here, in the server's folder, once the replica's turn ended.
  .refine((f) => f.escalate === undefined || f.isolation !== "worktree", {
    path: ["escalate"],
    message:
      'escalate is not offered with isolation: worktree yet: a task\'s work moves to a branch of its own as its turn ends, where neither the check nor a stronger agent would see it; use isolation: none, or launch_agent with isolation "worktree" and escalate',
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
  ...Replicas.shape,
  category: z.string().optional(),
  mcpServers: Launch.mcp_servers,
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
