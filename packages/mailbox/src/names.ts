import { z } from "zod";

/** Mailbox names and message ids: one path segment each, so no name can leave the mail root. */
export const SafeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "use letters, digits, '.', '_' and '-'").refine((n) => !n.includes(".."), "must not contain '..'");
