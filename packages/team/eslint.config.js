import { config } from "@subagent-mcp/eslint-config";

export default config({ dir: import.meta.dirname });
