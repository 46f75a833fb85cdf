// A launch as a server holds it and as its journal spells it: the one mapping between the two, so
// that what the journal writes at a launch and what a resume reads back cannot drift apart.
import { z } from "zod";
import { LaunchEntrySchema } from "./schema.js";

const entry = LaunchEntrySchema.shape;

/** What a launch asked for, in the camelCase of core's LaunchRequest (its other fields are the supervisor's). */
export const LaunchAskedSchema = z.object({
  provider: entry.provider,
  cwd: entry.cwd,
  model: entry.model,
  effort: entry.effort,
  label: entry.label,
  permissionMode: entry.permission_mode,
  allowedTools: entry.allowed_tools,
  systemPromptAppend: entry.system_prompt_append,
  budget: entry.budget,
});
export type LaunchAsked = z.infer<typeof LaunchAskedSchema>;

/** A launch as the journal records it: what it asked for, and what the server knew besides. */
export const LaunchRecordSchema = LaunchAskedSchema.extend({
  at: entry.at,
  agentId: entry.agent_id,
  server: entry.server,
  project: entry.project,
  category: entry.category,
  /** The pool whose replica it is (see core's poolOf). */
  pool: entry.pool,
  permissions: entry.permissions,
  worktree: entry.worktree,
  lineage: entry.lineage,
  machine: entry.machine,
  mcpServers: entry.mcp_servers,
});
export type LaunchRecord = z.infer<typeof LaunchRecordSchema>;
export type LaunchEntry = z.infer<typeof LaunchEntrySchema>;

/** The launch entry and the launch record, each the other's spelling: `decode` reads an entry, `encode` writes one. */
export const LaunchCodec = z.codec(LaunchEntrySchema, LaunchRecordSchema, {
  decode: ({ t: _t, agent_id, permission_mode, allowed_tools, system_prompt_append, mcp_servers, ...same }) => ({
    ...same,
    mcpServers: mcp_servers,
    agentId: agent_id,
    permissionMode: permission_mode,
    allowedTools: allowed_tools,
    systemPromptAppend: system_prompt_append,
  }),
  encode: ({ agentId, permissionMode, allowedTools, systemPromptAppend, mcpServers, ...same }) => ({
    t: "launch" as const,
    ...same,
    mcp_servers: mcpServers,
    agent_id: agentId,
    permission_mode: permissionMode,
    allowed_tools: allowedTools,
    system_prompt_append: systemPromptAppend,
  }),
});

/** A launch record without its unset fields, as a launch request spells it (exactly optional). */
export type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/** The journal's launch entry of `record` (its unset fields left out). */
export function encodeLaunch(record: LaunchRecord): LaunchEntry {
  return definedOnly(LaunchCodec.encode(record));
}

/** The launch record a journal's launch entry spells. */
export function decodeLaunch(launch: LaunchEntry): Defined<LaunchRecord> {
  return definedOnly(LaunchCodec.decode(launch));
}

/** What `request` (core's LaunchRequest, or anything with its fields) asked for: its other fields are left out. */
export function launchAsked(request: LaunchAsked): Defined<LaunchAsked> {
  return definedOnly(LaunchAskedSchema.parse(request));
}

function definedOnly<T extends object>(value: T): Defined<T> {
  // Object.fromEntries loses the keys' types; the filter is what Defined says.
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}
