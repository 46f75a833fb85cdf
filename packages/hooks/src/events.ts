/**
 * What each host's hooks are made of, shared by the handlers (which answer them) and by
 * @subagent-mcp/hosts (which writes them into the host's settings): the events we hook (a
 * prompt, a tool call, the end of the agent's turn, a session's start), the native sub-agent tools
 * the tool event is matched on, and the argument naming the agent wanted. All three hosts' stop
 * events may block the end of a turn with `{decision: "block", reason}` and send `stop_hook_active`
 * on the turn that follows such a block.
 */
export const HOOK_EVENTS = {
  // Claude Code's sub-agent tool is Task in older versions, Agent in the pinned one.
  claude: { prompt: "UserPromptSubmit", tool: "PreToolUse", stop: "Stop", start: "SessionStart", native: ["Task", "Agent"], agentArg: "subagent_type" },
  // Codex 0.169: spawn_agent (multi_agent), with an optional role in agent_type.
  // With multi_agent_v2 the tool sits in the "collaboration" namespace, and Codex's hook input names
  // it without a separator.
  codex: {
    prompt: "UserPromptSubmit",
    tool: "PreToolUse",
    stop: "Stop",
    start: "SessionStart",
    native: ["spawn_agent", "collaborationspawn_agent"],
    agentArg: "agent_type",
  },
  // Gemini CLI 0.61: one invoke_agent tool that takes the sub-agent's name in agent_name. Its
  // AfterAgent blocked sends the reason to the model as the next prompt.
  gemini: { prompt: "BeforeAgent", tool: "BeforeTool", stop: "AfterAgent", start: "SessionStart", native: ["invoke_agent"], agentArg: "agent_name" },
} as const;

/** A host whose hooks we answer. */
export type HookHost = keyof typeof HOOK_EVENTS;
export const HOOK_HOSTS = Object.keys(HOOK_EVENTS) as HookHost[];

/** The native sub-agent tool names of a host (what its tool hook is matched on). */
export function nativeSubagentTools(host: HookHost): readonly string[] {
  return HOOK_EVENTS[host].native;
}
