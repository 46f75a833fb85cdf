import { z } from "zod";

/**
 * A name that is also a file or folder name: mailboxes, message ids, agents, skills, expertise. One
 * path segment, never `..`, so that no name can leave the folder it is looked up in.
 */
export const SafeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "use letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit)")
  .refine((n) => !n.includes(".."), "must not contain '..'");
