// What a subagent-mcp server says of itself in `initialize`, made of nothing but strings: the
// door of `subagent-mcp mcp` answers `initialize` with it while the server loads, and the server
// (@subagent-mcp/server) built after says the same, from the same lines.

/** Groups of tools a server can be limited to (a worker's own server offers only messaging). */
export const TOOLSETS = ["sessions", "pool", "orchestration", "messaging"] as const;
export type Toolset = (typeof TOOLSETS)[number];

/**
 * The capability by which Codex sends its sandbox state, with the folder its session works in,
 * in the `_meta` of each tool call (`codex/sandbox-state-meta`: `{sandboxCwd: "file:///..."}`).
 * Other hosts ignore it.
 */
const HOST_CWD_CAPABILITY = { "codex/sandbox-state-meta": {} } as const;

/** A server's capabilities: its tools (the SDK would add the same on the first tool) and the host cwd. */
export const CAPABILITIES = { experimental: HOST_CWD_CAPABILITY, tools: { listChanged: true } };

const INSTRUCTIONS: Record<Toolset, string> = {
  sessions:
    "Run sub-agents on Claude Code, Codex or Gemini CLI. launch_agent returns at once; wait blocks until turns finish (call again after its deadline); poll_agent shows status and output; send_message continues a live session; interrupt_agent ends a turn; kill_agent ends an agent. A sub-agent that asks permission for a tool use waits (status permission_requested) and shows in wait's permission_requests: answer with respond_permission. transcript reads an agent's conversation; list_agents {include_past: true} shows agents of earlier sessions, and resume_agent continues one.",
  pool: "Named agents from agent definition files run warm in a pool: invoke runs a task on one (list_pool, warmup, reset).",
  orchestration: "orchestration_mode turns delegation-first mode on or off.",
  messaging: 'Agents message each other by name: send_to (to: "*" for everyone), inbox, wait_inbox (blocks until a message arrives) and reply.',
};

/** The instructions of a server offering `toolsets`: the messaging ones only where it has a mailbox. */
export function instructionsOf(toolsets: readonly Toolset[], messaging: boolean): string {
  return toolsets
    .filter((set) => set !== "messaging" || messaging)
    .map((set) => INSTRUCTIONS[set])
    .join(" ");
}

/** SUBAGENT_MCP_TOOLSETS (comma-separated): the toolsets it names (undefined: all), or the names it does not know. */
export function toolsetsFrom(value: string | undefined): { toolsets?: Toolset[]; unknown?: string[] } {
  if (value === undefined || value.trim() === "") return {};
  const sets = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = sets.filter((s) => !(TOOLSETS as readonly string[]).includes(s));
  return unknown.length > 0 ? { unknown } : { toolsets: sets as Toolset[] };
}
