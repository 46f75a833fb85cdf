export { WorktreeConfigSchema } from "@subagent-mcp/contract";
