import { z } from "zod";
import { TaskCategorySchema, type TaskCategory } from "./categories.js";
import { RoutingError } from "./errors.js";
import { BranchSchema, CandidateSchema, type RoutingTable } from "./table.js";
import { EscalateSchema, McpServerSpecSchema } from "@subagent-mcp/contract";

const McpServersSchema = z.array(z.union([z.string().min(1).max(64), McpServerSpecSchema])).max(32);

/** The `routing` section of a config file: a default branch and per-category overrides. */
export const RoutingConfigSchema = z.strictObject({
  branch: BranchSchema.optional(),
  table: z
    .partialRecord(
      TaskCategorySchema,
      z.strictObject({
        cost_efficiency: z.array(CandidateSchema).min(1).optional(),
        performance: z.array(CandidateSchema).min(1).optional(),
        /** Launches of this category escalate so unless they say otherwise (a check from a project's file needs trust). */
        escalate: EscalateSchema.optional(),
        /** The user's MCP servers launches of this category get unless they name their own (names, "inherit", or specs; from a project's file only once trusted). */
        mcp_servers: McpServersSchema.optional(),
      }),
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
