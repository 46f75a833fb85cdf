import { z } from "zod";

/**
 * What a sub-agent's CLI asks permission for, the same shape from every CLI (Claude Code
 * `can_use_tool`, Codex approval requests, ACP `session/request_permission`), so that one rule set
 * and one answer tool serve all three.
 */
const PermissionKindSchema = z.enum(["shell", "edit", "read", "mcp", "fetch", "other"]);
export type PermissionKind = z.infer<typeof PermissionKindSchema>;

export const PermissionRequestSchema = z.object({
  /** Unique within the session; the driver's own id for the CLI's request. */
  requestId: z.string().min(1),
  /** The CLI's tool name (Claude Code's naming where the CLI has an equivalent: Bash, Edit, Write, Read, WebFetch, mcp__server__tool). */
  tool: z.string(),
  kind: PermissionKindSchema,
  /** The shell command, for kind shell. */
  command: z.string().optional(),
  /** The file path (absolute), for kind edit / read. */
  path: z.string().optional(),
  /** The URL, for kind fetch. */
  url: z.string().optional(),
  /** The tool's input as the CLI gave it (bounded by the driver, about 4 KB of JSON). */
  input: z.unknown(),
});
export type PermissionRequest = z.infer<typeof PermissionRequestSchema>;

/** An answer to one request. `allow_always`: allow, and the CLI may skip asking again for the same rule this session. */
export const PermissionDecisionSchema = z.object({
  behavior: z.enum(["allow", "allow_always", "deny"]),
  /** For deny: the reason the model is told. */
  message: z.string().optional(),
});
export type PermissionDecision = z.infer<typeof PermissionDecisionSchema>;
