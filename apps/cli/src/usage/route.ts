import { CATEGORY_INDEX_FILE, CategoryIndex } from "@subagent-mcp/journal";
import {
  BranchSchema,
  CATEGORY_DESCRIPTIONS,
  composeRankInputs,
  describeCandidate,
  rankCandidates,
  selectCandidates,
  TaskCategorySchema,
  type RankedCandidate,
} from "@subagent-mcp/routing";
import { stateLayout } from "@subagent-mcp/state";
import { capReached, capStandings, DEFAULT_PRICES, mergePrices, SpendLedger } from "@subagent-mcp/usage";
import { SharedHeadroom } from "@subagent-mcp/usage/headroom";
import { defineCommand } from "citty";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { configOrFail, providerOrFail } from "../config.js";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";
import { availability } from "../mcp/installed.js";
import { fleetSpendOnce } from "../fleet/spend-share.js";
import type { Provider } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * `subagent-mcp route`: the candidates for a category in the order a launch tries them, and why:
 * the expected cost of a typical turn (learned from this machine's journal of that category, else
 * a default), the rate-limit headroom any server's CLIs last reported, the rule that placed each,
 * and which CLIs are available here.
 */
export const routeCommand = defineCommand({
  meta: {
    name: "route",
    description: "Show the ranked provider/model/effort candidates for a task category, why each is where it is, and which are available here.",
  },
  args: {
    category: { type: "string", description: `Task category: ${TaskCategorySchema.options.join(", ")}`, required: true },
    provider: { type: "string", description: "Prefer this provider (claude, codex, gemini, or a configured ACP provider)" },
    branch: { type: "string", description: "cost_efficiency (default) or performance" },
    json: { type: "boolean", description: "The ranking as JSON" },
  },
  async run({ args }) {
    const category = TaskCategorySchema.safeParse(args.category);
    if (!category.success) fail(`--category must be one of: ${TaskCategorySchema.options.join(", ")}`);
    const ctx = cliContext();
    const config = configOrFail(ctx);
    const provider = args.provider === undefined ? undefined : providerOrFail(config, args.provider, "--provider");
    const branch = args.branch === undefined ? undefined : BranchSchema.safeParse(args.branch);
    if (branch !== undefined && !branch.success) fail("--branch must be cost_efficiency or performance");
    const checks = new Map<Provider, { ok: boolean; detail: string }>(config.providerNames.map((p) => [p, availability(config, p)]));
    const route = selectCandidates({
      category: category.data,
      ...definedFields({ provider }),
      branch: branch?.data ?? config.routingBranch,
      table: config.routingTable,
    });
    // The learned turns, when this machine's journal has an index (reading it never rebuilds it).
    const dir = stateLayout(ctx.stateDir).agents;
    const index = existsSync(join(dir, CATEGORY_INDEX_FILE)) ? CategoryIndex.open(dir) : undefined;
    const shared = new SharedHeadroom(stateLayout(ctx.stateDir).rateLimits);
    // As a launch ranks: the learned typical turn × the prices, the shared headroom, the budget left.
    const inputs = composeRankInputs({
      category: category.data,
      typicals: index,
      prices: mergePrices(DEFAULT_PRICES, config.prices),
      // What any server's CLIs last reported, shared through the state folder.
      headroom: (p) => shared.tightest(p, Date.now()),
      ...(config.quota_percent === undefined ? {} : { quota: { percent: config.quota_percent, windows: (p) => shared.windows(p, Date.now()) } }),
      budgetsLeftUsd: [config.budget?.max_cost_usd],
    });
    const ranked = rankCandidates(route, { provider }, inputs);
    // As a launch holds them: a candidate a spend cap holds is skipped (rule over_cap), whoever asked for it.
    const others = config.spend_caps === undefined ? [] : await fleetSpendOnce(ctx.stateDir, config.mailbox);
    // The turns under way (reserved) count, as they do at launch.
    const ledger = new SpendLedger(stateLayout(ctx.stateDir).spend);
    const standings = capStandings(config.spend_caps ?? {}, [...ledger.entries(), ...others], Date.now(), ledger.reservations());
    const held = ranked.ranked.flatMap(({ candidate: c }) => {
      const reason = capReached(standings, c, inputs.expectedCost(c)?.usd);
      return reason === undefined ? [] : [{ provider: c.provider, ...definedFields({ model: c.model }), rule: "over_cap" as const, reason }];
    });
    const ranking = {
      ranked: ranked.ranked.filter((r) => !held.some((h) => h.provider === r.candidate.provider && h.model === r.candidate.model)),
      skipped: [...ranked.skipped, ...held],
    };
    const escalate = config.routingTable[category.data].escalate;
    if (args.json === true) {
      const ranked = ranking.ranked.map(({ candidate, ...why }) => ({ ...candidate, ...why, available: checks.get(candidate.provider)?.ok ?? false }));
      const out = { category: category.data, branch: route.branch, ranking: ranked, skipped: ranking.skipped, ...definedFields({ escalate }) };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const lines = [
      `${category.data} (${route.branch}): ${CATEGORY_DESCRIPTIONS[category.data]}`,
      ...ranking.ranked.map((r, i) => {
        const check = checks.get(r.candidate.provider) as { ok: boolean; detail: string };
        return `${i + 1}. ${describeCandidate(r.candidate).padEnd(36)} ${why(r).padEnd(34)} ${check.ok ? "available" : "skipped"}: ${check.detail}`;
      }),
      ...ranking.skipped.map((s) => `-  ${describeCandidate(s).padEnd(36)} skipped: ${s.reason}`),
      ...(escalate === undefined
        ? []
        : [`escalates on ${escalate.on}${escalate.check === undefined ? "" : ` (check: ${escalate.check})`}, up to ${escalate.max_steps ?? 1} step(s)`]),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  },
});

// "~$0.0135/turn (learned), cost" and the like: the numbers and the rule behind a place.
function why(r: RankedCandidate): string {
  const cost = r.expected_cost_usd === undefined ? "no price" : `~$${r.expected_cost_usd.toFixed(4)}/turn (${r.tokens ?? "default"})`;
  return `${cost}, ${r.rule}`;
}
