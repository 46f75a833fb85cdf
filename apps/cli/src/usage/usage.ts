import { DEFAULT_PRICES, GroupBySchema, mergePrices, parseSince, renderUsage, summarizeUsage, TurnCache, UsageError } from "@subagent-mcp/usage";
import { defineCommand } from "citty";
import { configOrFail } from "../config.js";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";
import { definedFields } from "@subagent-mcp/contract/fields";
import { quotaReport, renderQuota } from "./usage-quota.js";
import { capsReport, renderCaps } from "./usage-caps.js";
import { fleetSpendOnce } from "../fleet/spend-share.js";

/** `subagent-mcp usage [--since 7d] [--by agent|provider|model|day|category] [--json]`: what every agent and worker spent; by category, how each candidate did. `--quota`: the providers' subscription windows. `--caps`: where each spend cap stands. */
export const usageCommand = defineCommand({
  meta: { name: "usage", description: "Tokens and cost of every agent's and worker's turns, by agent, provider, model, day or task category" },
  args: {
    since: { type: "string", description: 'Only turns since then: "24h", "7d", or an ISO date (default: all)' },
    by: {
      type: "string",
      description: "Group by agent, provider (default), model, day, or category (per task category and candidate: turns, success rate, median cost and time)",
    },
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
    const groupBy = GroupBySchema.safeParse(args.by ?? "provider");
    if (!groupBy.success) fail(`--by must be agent, provider, model, day or category (got "${args.by ?? ""}")`);
    let since: Date | undefined;
    try {
      since = args.since === undefined ? undefined : parseSince(args.since);
    } catch (error) {
      if (error instanceof UsageError) fail(`--since: ${error.message}`);
      throw error;
    }
    const ctx = cliContext();
    const overrides = configOrFail(ctx).prices;
    // Through a cache for its on-disk index: ended agents' turns come from agents/.usage.jsonl, not every journal.
    const turns = new TurnCache();
    const summary = summarizeUsage(ctx.stateDir, {
      groupBy: groupBy.data,
      prices: mergePrices(DEFAULT_PRICES, overrides),
      turns,
      ...definedFields({ since }),
    });
    turns.close();
    if (args.json === true) {
      const out = { group_by: groupBy.data, ...(since === undefined ? {} : { since: since.toISOString() }), ...summary };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${renderUsage(summary, groupBy.data)}\n`);
    if (summary.skipped_lines > 0) process.stderr.write(`${summary.skipped_lines} journal or log line(s) could not be read\n`);
  },
});
