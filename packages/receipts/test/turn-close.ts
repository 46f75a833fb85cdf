import type { TurnClose } from "@subagent-mcp/core";

/** A turn that ended normally with `result` as its final text (the receipts' tests' close). */
export function closedWith(result: string): TurnClose {
  return {
    outcome: {
      result,
      isError: false,
      interrupted: false,
      usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 },
      costUsd: undefined,
      durationMs: 5,
    },
  };
}
