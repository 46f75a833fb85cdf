import { objectOf } from "../answers/schemas.js";
import { dirname, join } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { UsageOutput, definedFields } from "@subagent-mcp/contract";
import { GroupBySchema } from "@subagent-mcp/usage/schema";
import type { TurnCache } from "@subagent-mcp/usage";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { ServerError } from "../errors.js";
import { guard, ok } from "../answers/result.js";

export const UsageInput = {
  group_by: GroupBySchema.optional().describe(
    "Rows per agent, provider, model, day (UTC), or category (per task category and candidate, with success rate and median cost and time); default provider.",
  ),
  since: z.string().optional().describe('Only turns since then: "24h", "7d", "30m", "2w", or an ISO date such as "2026-01-31" (default: all).'),
  project_only: z
    .boolean()
    .optional()
    .describe("Only agents launched for this server's project (default true); false: every agent and worker on this machine."),
};

// The journal's turns between usage calls (made with the first): each call reads again only the journals that changed.
const kept: { turns?: TurnCache } = {};

/** `usage`: tokens and cost of sub-agents' (and workers') finished turns, from their journals, grouped. */
export function registerUsageTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "usage",
    {
      title: "Token usage and cost of sub-agents",
      description:
        "Tokens (input, output, cache read/write) and cost in USD of sub-agents' finished turns, grouped by agent, provider, model, day or task category (per category and candidate: success rate, median cost and time). Claude Code's own cost is used where it reports one; Codex and Gemini turns are priced per model (built-in list prices, overridable with `prices` in the config). A turn whose model has no known price is counted as unknown, never as $0.",
      inputSchema: objectOf(UsageInput),
      outputSchema: objectOf(UsageOutput),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const { journal } = await deps.runtime();
        if (journal === undefined) throw new ServerError("INVALID_ARGUMENT", "this server keeps no journal, so there is no usage to report");
        await journal.writer.flush();
        // The usage code and the config reader load with the first call.
        const [{ mergePrices, parseSince, renderUsage, summarizeUsage, DEFAULT_PRICES, TurnCache }, { loadConfig }] = await Promise.all([
          import("@subagent-mcp/usage"),
          import("@subagent-mcp/config"),
        ]);
        // A bad `since` is the package's INVALID_SINCE error: guard reports it.
        const since = args.since === undefined ? undefined : parseSince(args.since);
        const groupBy = args.group_by ?? "provider";
        const project = args.project_only === false ? undefined : journal.project;
        // Price overrides as the config files say now.
        const prices = mergePrices(DEFAULT_PRICES, loadConfig({ cwd: deps.defaultCwd, env: process.env, warn: () => undefined }).prices);
        const agentsDir = journal.settings.dir;
        const summary = summarizeUsage(
          { agentsDir, workersDir: join(dirname(agentsDir), "workers") },
          { groupBy, prices, turns: (kept.turns ??= new TurnCache()), ...definedFields({ since, project }) },
        );
        const structured = {
          group_by: groupBy,
          ...(since === undefined ? {} : { since: since.toISOString() }),
          ...definedFields({ project }),
          rows: summary.rows,
          total: summary.total,
          ...(summary.skipped_lines === 0 ? {} : { skipped_lines: summary.skipped_lines }),
        };
        return ok(structured, renderUsage(summary, groupBy));
      }),
  );
}
