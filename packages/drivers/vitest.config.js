import { config } from "@subagent-mcp/vitest-config";

// Real CLI processes take 150-320 MB each: two test files at a time on this 2-core machine.
export default config({ maxWorkers: 2, testTimeout: 150_000 });
