import type { TaskCategory } from "./categories.js";
import type { RankInputs } from "./rank.js";
import type { Candidate, RoutingTable } from "./table.js";
import type { Provider } from "@subagent-mcp/contract";
import { overQuota } from "./quota.js";

export const DEFAULT_ESCALATION_STEPS = 1;

const key = (c: Candidate): string => `${c.provider}/${c.model ?? ""}/${c.effort ?? ""}`;

/**
 * The stronger candidates a task escalates to, weakest first: the category's candidates of both
 * branches that cost more per typical turn than `chosen` (price stands for strength within a
 * category's capable set; an unpriced one is taken as the strongest), installed, with a rate-limit
 * window that is not spent (nor at or past `quota_percent`), and affordable within the budget. Candidates of another machine are
 * left out: the check runs here, on this machine's files. At most `steps` of them.
 */
export function escalationLadder(
  table: RoutingTable,
  category: TaskCategory,
  chosen: Candidate,
  steps: number,
  inputs: RankInputs & { installed?: (provider: Provider) => boolean },
): Candidate[] {
  const { cost_efficiency: cheap, performance: strong } = table[category];
  const seen = new Set<string>([key(chosen)]);
  const base = inputs.expectedCost(chosen)?.usd ?? 0;
  const priced = (c: Candidate): number => inputs.expectedCost(c)?.usd ?? Infinity;
  const ladder: Candidate[] = [];
  for (const c of [...cheap, ...strong]) {
    if (seen.has(key(c))) continue;
    seen.add(key(c));
    if (c.machine !== undefined || inputs.installed?.(c.provider) === false) continue;
    const room = inputs.headroom(c.provider);
    if (room?.status === "exhausted" && (room.resetsAt === undefined || room.resetsAt > inputs.now)) continue;
    if (overQuota(inputs.quota, c.provider, inputs.now) !== undefined) continue;
    const cost = priced(c);
    if (cost <= base) continue;
    if (inputs.budgetLeftUsd !== undefined && cost !== Infinity && cost > inputs.budgetLeftUsd) continue;
    ladder.push(c);
  }
  // Stable: equal prices keep the table's order.
  return ladder.sort((a, b) => (priced(a) === priced(b) ? 0 : priced(a) - priced(b))).slice(0, steps);
}
