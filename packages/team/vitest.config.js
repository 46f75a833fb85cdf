import { config } from "@subagent-mcp/vitest-config";

export default config();
