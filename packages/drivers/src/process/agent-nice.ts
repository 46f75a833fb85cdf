export { DEFAULT_AGENT_NICE } from "@subagent-mcp/contract";
