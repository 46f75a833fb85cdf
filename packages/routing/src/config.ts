import { z } from "zod";
import { TaskCategorySchema, type TaskCategory } from "./categories.js";
import { RoutingError } from "./errors.js";
import { BranchSchema, CandidateSchema, RoutedOptions, type RoutingTable } from "./table.js";
import { launchOptionRules } from "@subagent-mcp/contract";

/** The `routing` section of a config file: a default branch and per-category overrides. */
export const RoutingConfigSchema = z.strictObject({
  branch: BranchSchema.optional(),
  table: z
    .partialRecord(
      TaskCategorySchema,
      // Its escalation and MCP servers apply to launches of the category unless they say otherwise (from a project's file only once trusted: contract's `needsTrust`).
      z
        .strictObject({
          cost_efficiency: z.array(CandidateSchema).min(1).optional(),
          performance: z.array(CandidateSchema).min(1).optional(),
          ...RoutedOptions.shape,
        })
        .superRefine(launchOptionRules),
    )
    .optional(),
});
export type RoutingConfig = z.infer<typeof RoutingConfigSchema>;

/** Validates a routing section, naming the file and the path of any bad field. */
export function parseRoutingConfig(json: unknown, file: string): RoutingConfig {
  const parsed = RoutingConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `routing.${i.path.join(".")}: ${i.message}`).join("; ");
  throw new RoutingError("CONFIG_INVALID", `${file}: ${issues}`);
}

/** The table with a config's lists in place of the default ones (a list replaces, not extends). */
export function mergeRoutingTable(base: RoutingTable, override: RoutingConfig | undefined): RoutingTable {
  if (override?.table === undefined) return base;
  const merged = { ...base };
  for (const [category, branches] of Object.entries(override.table) as [TaskCategory, NonNullable<RoutingConfig["table"]>[TaskCategory]][]) {
    if (branches === undefined) continue;
    merged[category] = { ...merged[category], ...branches };
  }
  return merged;
}
