import { z } from "zod";

/** The `receipts` section of the config: patterns added to the defaults (or replacing them with `defaults: false`). */
const Pattern = z
  .string()
  .min(1)
  .max(500)
  .refine((p) => compiles(p), { message: "not a regular expression" });
export const ReceiptsConfigSchema = z.strictObject({
  test_commands: z.array(Pattern).max(200).optional(),
  claims: z.array(Pattern).max(200).optional(),
  change_requests: z.array(Pattern).max(200).optional(),
  /** false: only the lists given here apply (default true: they add to the built-in ones). */
  defaults: z.boolean().optional(),
  /** Changed files listed in a receipt before the rest are only counted (default 50). */
  max_files: z.int().min(0).max(10_000).optional(),
});
export type ReceiptsConfig = z.infer<typeof ReceiptsConfigSchema>;

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "im");
    return true;
  } catch {
    return false;
  }
}
