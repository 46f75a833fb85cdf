import { config } from "@subagent-mcp/eslint-config";

// The plugin folders are the build's output (scripts/plugins.js), a copy of dist/.
export default [{ ignores: [".claude-plugin/**", "plugins/**", "extensions/**"] }, ...config({ dir: import.meta.dirname })];
