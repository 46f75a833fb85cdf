import { config } from "@subagent-mcp/vitest-config";

// The real agent CLIs run here: generous timeouts, two test files at a time.
export default config({ maxWorkers: 2, testTimeout: 90_000 });
