import { allBoardTurns, boardNames } from "@subagent-mcp/board";
import { stateLayout } from "@subagent-mcp/state";
import {
  DEFAULT_PRICES,
  GroupBySchema,
  mergePrices,
  parseSince,
  renderUsage,
  summarizeBoards,
  summarizeUsage,
  TurnCache,
  UsageError,
  type GroupBy,
  type UsageSummary,
} from "@subagent-mcp/usage";
import { defineCommand } from "citty";
import { configOrFail } from "../config.js";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";
import { definedFields } from "@subagent-mcp/contract/fields";
import { quotaReport, renderQuota } from "./usage-quota.js";
import { capsReport, renderCaps } from "./usage-caps.js";
import { fleetSpendOnce } from "../fleet/spend-share.js";

/**
 * `subagent-mcp usage [--since 7d] [--by agent|provider|model|day|category|board] [--json]`: what every
 * agent and worker spent; by category, how each candidate did; by board, what each team board's
 * members spent on it and on each task. `--quota`: the providers' subscription windows. `--caps`:
 * where each spend cap stands.
 */
export const usageCommand = defineCommand({
  meta: { name: "usage", description: "Tokens and cost of every agent's and worker's turns, by agent, provider, model, day, task category or team board" },
  args: {
    since: { type: "string", description: 'Only turns since then: "24h", "7d", or an ISO date (default: all)' },
    by: {
      type: "string",
      description:
        "Group by agent, provider (default), model, day, category (per task category and candidate: turns, success rate, median cost and time), or board (per team board and per task; a turn on several tasks splits its tokens and cost evenly between them)",
    },
    board: { type: "string", description: "With --by board: only this board" },
    json: { type: "boolean", description: "The rows and total as JSON" },
    quota: { type: "boolean", description: "Instead: each provider's subscription windows as its CLI last reported them (used percent, reset time)" },
    caps: { type: "boolean", description: "Instead: each spend_caps cap's spent / cap / left for the day and the week, with its reset time" },
  },
  async run({ args }) {
    if (args.quota === true) {
      const ctx = cliContext();
      const report = quotaReport(ctx.stateDir, configOrFail(ctx));
      process.stdout.write(`${args.json === true ? JSON.stringify(report, null, 2) : renderQuota(report)}\n`);
      return;
    }
    if (args.caps === true) {
      const ctx = cliContext();
      const config = configOrFail(ctx);
      // On a shared Redis, the other machines' turns count too.
      const report = capsReport(ctx.stateDir, config, await fleetSpendOnce(ctx.stateDir, config.mailbox));
      process.stdout.write(`${args.json === true ? JSON.stringify(report, null, 2) : renderCaps(report)}\n`);
      return;
    }
    // "board" is the CLI's own grouping (read from the boards, not the journals): the usage tool's group_by does not take it.
    const by = args.by ?? "provider";
    const groupBy = by === "board" ? undefined : GroupBySchema.safeParse(by);
    if (groupBy?.success === false) fail(`--by must be agent, provider, model, day, category or board (got "${by}")`);
    if (args.board !== undefined && groupBy !== undefined) fail("--board goes with --by board");
    let since: Date | undefined;
    try {
      since = args.since === undefined ? undefined : parseSince(args.since);
    } catch (error) {
      if (error instanceof UsageError) fail(`--since: ${error.message}`);
      throw error;
    }
    const ctx = cliContext();
    const overrides = configOrFail(ctx).prices;
    if (groupBy === undefined) {
      const dir = stateLayout(ctx.stateDir).boards;
      if (args.board !== undefined && !boardNames(dir).includes(args.board)) fail(`--board: no board "${args.board}" in ${dir}`);
      const summary = summarizeBoards(allBoardTurns(dir, args.board), { prices: mergePrices(DEFAULT_PRICES, overrides), ...definedFields({ since }) });
      print(summary, "board", since, args.json === true);
      return;
    }
    // Through a cache for its on-disk index: ended agents' turns come from agents/.usage.jsonl, not every journal.
    const turns = new TurnCache();
    const summary = summarizeUsage(ctx.stateDir, {
      groupBy: groupBy.data,
      prices: mergePrices(DEFAULT_PRICES, overrides),
      turns,
      ...definedFields({ since }),
    });
    turns.close();
    print(summary, groupBy.data, since, args.json === true);
  },
});

// The summary as JSON (`group_by`, `since`, rows, total) or as a table, and the lines that could not be read.
function print(summary: UsageSummary, groupBy: GroupBy | "board", since: Date | undefined, json: boolean): void {
  if (json) {
    const out = { group_by: groupBy, ...(since === undefined ? {} : { since: since.toISOString() }), ...summary };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${renderUsage(summary, groupBy)}\n`);
  if (summary.skipped_lines > 0) process.stderr.write(`${summary.skipped_lines} journal or log line(s) could not be read\n`);
}
