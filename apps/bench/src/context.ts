import type { BuiltinProvider as Provider } from "@subagent-mcp/core";

/** What each benchmark section gets from the runner. */
export interface BenchContext {
  /** Runs per measure (SUBAGENT_MCP_BENCH_RUNS, default 5). */
  runs: number;
  providers: Provider[];
  /** Writes results/<name>.json with when and on what they were measured. */
  save: (name: string, data: unknown) => void;
}
