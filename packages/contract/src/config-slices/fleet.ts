import { LEVEL, PermissionLevelSchema } from "../permissions/permission-modes.js";
import { z } from "zod";

/**
 * What `subagent-mcp node` lends this machine's CLIs under, whatever a launch asks: its name (default
 * the hostname), the folders a launch's cwd must be in (default: the home folder), the most
 * permissive mode it grants, tools no agent may use, labels. Read from the user's file only.
 */
export const FleetConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "letters, digits, '.', '_' or '-'")
    .optional(),
  roots: z.array(z.string().min(1)).optional(),
  permission_mode: PermissionLevelSchema.exclude([LEVEL.auto]).optional(),
  disallowed_tools: z.array(z.string().min(1)).optional(),
  labels: z.array(z.string().min(1).max(64)).optional(),
});
export type FleetConfig = z.infer<typeof FleetConfigSchema>;
