import { budgetTokens, type Spent, type Supervisor, type TurnReport } from "@subagent-mcp/core";

/** What one turn spent, its cost priced by the supervisor's table when the CLI did not say (0 when unknown: `known` false). */
export function turnSpent(supervisor: Supervisor, report: TurnReport): Spent & { known: boolean } {
  let cost = report.costUsd;
  if (cost === undefined) {
    try {
      const view = supervisor.get(report.agentId);
      cost = supervisor.options.costOf?.(view.provider, view.model, report.usage);
    } catch {
      // freed meanwhile: its cost stays unknown
    }
  }
  return { costUsd: cost ?? 0, tokens: budgetTokens(report.usage), turns: 1, seconds: report.durationMs / 1000, known: cost !== undefined };
}
