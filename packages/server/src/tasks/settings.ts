// What a host that takes delegation tasks is told (the poll hint and the store are @subagent-mcp/mcp-transport's taskStore).
export const TASK_INSTRUCTIONS =
  "This host takes MCP tasks: launch_agent, send_message and invoke run in the background and their result comes back to you by itself when the turn ends. Delegate and carry on with other work; do not call wait for them.";
