import type { Provider } from "@subagent-mcp/core";
import { BranchSchema, CATEGORY_DESCRIPTIONS, describeCandidate, selectCandidates, TaskCategorySchema } from "@subagent-mcp/routing";
import { defineCommand } from "citty";
import { configOrFail, providerOrFail } from "./config.js";
import { fail } from "./fail.js";
import { availability } from "./installed.js";

/** `subagent-mcp route`: the ranked candidates for a category, which are available here, and why. */
export const routeCommand = defineCommand({
  meta: { name: "route", description: "Show the ranked provider/model/effort candidates for a task category and which are available here." },
  args: {
    category: { type: "string", description: `Task category: ${TaskCategorySchema.options.join(", ")}`, required: true },
    provider: { type: "string", description: "Prefer this provider (claude, codex, gemini, or a configured ACP provider)" },
    branch: { type: "string", description: "cost_efficiency (default) or performance" },
  },
  run({ args }) {
    const category = TaskCategorySchema.safeParse(args.category);
    if (!category.success) fail(`--category must be one of: ${TaskCategorySchema.options.join(", ")}`);
    const config = configOrFail({ cwd: process.cwd(), env: process.env });
    const provider = args.provider === undefined ? undefined : { data: providerOrFail(config, args.provider, "--provider") };
    const branch = args.branch === undefined ? undefined : BranchSchema.safeParse(args.branch);
    if (branch !== undefined && !branch.success) fail("--branch must be cost_efficiency or performance");
    const checks = new Map<Provider, { ok: boolean; detail: string }>(config.providerNames.map((p) => [p, availability(config, p)]));
    const ranked = selectCandidates({
      category: category.data,
      ...(provider === undefined ? {} : { provider: provider.data }),
      branch: branch?.data ?? config.routingBranch,
      table: config.routingTable,
    });
    const lines = [
      `${category.data} (${ranked.branch}): ${CATEGORY_DESCRIPTIONS[category.data]}`,
      ...ranked.candidates.map((c, i) => {
        const check = checks.get(c.provider) as { ok: boolean; detail: string };
        return `${i + 1}. ${describeCandidate(c).padEnd(36)} ${check.ok ? "available" : "skipped"}: ${check.detail}`;
      }),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  },
});
