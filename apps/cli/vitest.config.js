import { config } from "@subagent-mcp/vitest-config";

// End-to-end tests start the built server and real CLIs: generous timeouts, two files at a time.
export default config({ maxWorkers: 2, testTimeout: 90_000 });
