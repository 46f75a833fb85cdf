import type { CliName } from "@subagent-mcp/testkit";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

/** What each benchmark section gets from the runner. */
export interface BenchContext {
  /** Runs per measure (SUBAGENT_MCP_BENCH_RUNS, default 5). */
  runs: number;
  providers: Provider[];
  /** The ACP agents pinned in the testkit, measured beside the three CLIs where a section drives agents directly. */
  acpAgents: CliName[];
  /** Writes results/<name>.json with when and on what they were measured. */
  save: (name: string, data: unknown) => void;
}
