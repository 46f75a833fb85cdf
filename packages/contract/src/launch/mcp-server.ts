import { z } from "zod";

// An MCP server a sub-agent's CLI is handed: ours (the messaging server), or one of the user's,
// named from a host's config or written inline. One shape from launch_agent's input to the drivers.

/** Our own name in every host's MCP server list, and the name a sub-agent's CLI is handed our tools under. */
export const SERVER_NAME = "subagent-mcp";

/** A server's name as CLIs take it (Claude Code's `mcp__NAME__tool`, Codex's `[mcp_servers.NAME]`). */
const McpServerNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "letters, digits, _ and - (no spaces or dots)");

/** A server started as a process, speaking MCP on its stdio. `env` holds its secrets: never on a command line. */
export const StdioMcpServerSchema = z.strictObject({
  name: McpServerNameSchema,
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
});

/** A server reached over streamable HTTP. `headers` hold its secrets (a bearer token): never on a command line. */
export const HttpMcpServerSchema = z.strictObject({
  name: McpServerNameSchema,
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).optional(),
});

export const McpServerSpecSchema = z.union([StdioMcpServerSchema, HttpMcpServerSchema]);
/** How a CLI starts or reaches one MCP server. */
export type McpServerSpec = z.output<typeof McpServerSpecSchema>;
