import { config } from "@subagent-mcp/vitest-config";

export default config({ maxWorkers: 2, testTimeout: 60_000 });
