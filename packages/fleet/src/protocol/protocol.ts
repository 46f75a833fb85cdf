import { AgentEventSchema, SafeName, TurnFilesSchema, type SessionSpec } from "@subagent-mcp/core";
import { AGENT_LINEAGE_ENV, RemoteWorktreeSchema, PermissionDecisionSchema } from "@subagent-mcp/contract";
import { withoutTraceEnv } from "@subagent-mcp/tracing";
import { z } from "zod";

/**
 * The part of a session spec that crosses machines: plain data. Paths of files on the
 * orchestrator's machine (MCP configs, settings) and its loopback MCP servers mean nothing there.
 */
export const RemoteSpecSchema = z.object({
  cwd: z.string(),
  model: z.string().optional(),
  effort: z.string().optional(),
  systemPromptAppend: z.string().optional(),
  allowedTools: z.array(z.string()).optional(),
  builtinTools: z.array(z.string()).optional(),
  disallowedTools: z.array(z.string()).optional(),
  permissionMode: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  resume: z.string().optional(),
  sessionId: z.string().optional(),
  /** The agent's mailbox name: the node hands it messaging tools that speak for it on the mailboxes the fleet shares. */
  mailbox: SafeName.optional(),
  askPermissions: z.boolean().optional(),
  rules: z.object({ deny: z.array(z.string()).optional(), ask: z.array(z.string()).optional() }).optional(),
});
export type RemoteSpec = z.infer<typeof RemoteSpecSchema>;

/**
 * The spec as plain data for the other machine (see RemoteSpecSchema for what stays behind). Its
 * environment goes without trace settings, which may hold the collector's credentials (OTLP
 * headers, a password in its URL): a node traces by its own OTEL_* environment.
 */
export function remoteSpec(spec: SessionSpec): RemoteSpec {
  const keys = [
    "cwd",
    "model",
    "effort",
    "systemPromptAppend",
    "allowedTools",
    "builtinTools",
    "disallowedTools",
    "permissionMode",
    "env",
    "resume",
    "sessionId",
    "mailbox",
    "askPermissions",
    "rules",
  ] as const;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (spec[key] !== undefined) out[key] = spec[key];
  if (spec.env !== undefined) out.env = withoutTraceEnv(spec.env);
  return out as RemoteSpec;
}

/** A launch's ask for a git worktree of its own on the node: the branch's name (subagent/NAME) and its base. */
export const WorktreeAskSchema = z.object({
  name: z.string().min(1).max(200),
  base: z.string().min(1).max(200).optional(),
  label: z.string().max(200).optional(),
});
export type WorktreeAsk = z.infer<typeof WorktreeAskSchema>;

/** Where a node answers a user's stop: a stream of its own for one `subagent-mcp stop` run. */
export const replyStream = (reply: string): string => `subagent-mcp:fleet:reply:${reply}`;

/**
 * The orchestrator's own id of an agent it launched (what its user sees), from the lineage its
 * launch's environment carries (the last of it); undefined for one launched without an id (a pool's replica).
 */
export function agentIdOf(spec: { env?: Record<string, string> | undefined }): string | undefined {
  const last = spec.env?.[AGENT_LINEAGE_ENV]?.split(",").pop();
  return last === undefined || last === "" || last === "~" ? undefined : last;
}

/** Orchestrator -> node: start an agent, or steer one it runs; or the user's stop of its agents. */
export const CommandSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("launch"),
    agent: z.string(),
    provider: z.string(),
    spec: RemoteSpecSchema,
    /** The orchestrator's id: its event stream, and whose going away ends the agent. */
    owner: z.string(),
    /** The orchestrator's own id of the agent (what its user sees; a pool's replica has no lineage to carry it). */
    id: z.string().min(1).max(200).optional(),
    /** Keep running when the owner goes away. */
    outlive: z.boolean().optional(),
    /** Work in a git worktree of its own, made by the node in the repository holding `spec.cwd` there. */
    worktree: WorktreeAskSchema.optional(),
  }),
  z.object({ kind: z.literal("send"), agent: z.string(), text: z.string() }),
  z.object({ kind: z.enum(["interrupt", "reset", "close", "kill"]), agent: z.string() }),
  z.object({ kind: z.literal("permission"), agent: z.string(), requestId: z.string(), decision: PermissionDecisionSchema }),
  /**
   * The user's stop (`subagent-mcp stop`): the node kills `agents` (by its id or the orchestrator's;
   * absent: every agent it runs or queues, whoever launched it) and answers on {@link replyStream}(`reply`).
   */
  z.object({
    kind: z.literal("stop"),
    reply: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    agents: z.array(z.string().min(1).max(200)).max(1000).optional(),
  }),
]);
export type Command = z.infer<typeof CommandSchema>;

/** Node -> orchestrator, on the owner's event stream. */
export const ReportSchema = z.discriminatedUnion("kind", [
  /**
   * One event of the agent. A turn_end carries the turn's `files` as the node read them with git in
   * the agent's folder there (the orchestrator's receipt takes them); a node that reads none sends none.
   */
  z.object({ kind: z.literal("event"), agent: z.string(), node: z.string(), event: AgentEventSchema, files: TurnFilesSchema.optional() }),
  /** The launch was refused by the node (its ceiling, no slot, unknown provider): the agent never ran. */
  z.object({ kind: z.literal("refused"), agent: z.string(), node: z.string(), code: z.string(), message: z.string() }),
  /** The node has no free slot for it now: the launch waits on the node, `position` in its provider's line (1 is next). */
  z.object({ kind: z.literal("queued"), agent: z.string(), node: z.string(), position: z.number() }),
  /** The node started the agent's CLI (its process id there). */
  z.object({ kind: z.literal("spawned"), agent: z.string(), node: z.string(), pid: z.number().optional() }),
  /** Its worktree on the node: made (active), measured after a turn, and given up (kept or removed) before its exit is reported. */
  z.object({ kind: z.literal("worktree"), agent: z.string(), node: z.string(), worktree: RemoteWorktreeSchema }),
  /** A reset (a fresh conversation in the same process) is done, or failed with `error`: a pool waits for it before its next task. */
  z.object({ kind: z.literal("reset"), agent: z.string(), node: z.string(), error: z.string().optional() }),
  /** The user stopped it (`subagent-mcp stop`): its exit follows; its orchestrator journals it as the user's stop. */
  z.object({ kind: z.literal("stopped"), agent: z.string(), node: z.string(), by: z.literal("user") }),
]);
export type Report = z.infer<typeof ReportSchema>;

/** Node -> the user's `stop`: the agents it stopped (its id, the orchestrator's id when known, the provider). */
export const StopReplySchema = z.object({
  node: z.string(),
  stopped: z.array(z.object({ agent: z.string(), id: z.string().optional(), provider: z.string() })),
});
export type StopReply = z.infer<typeof StopReplySchema>;
