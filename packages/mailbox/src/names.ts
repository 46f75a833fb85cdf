import { z } from "zod";
import { MailboxError } from "./errors.js";

/** Mailbox names and message ids: one path segment each, so no name can leave the mail root. */
export const SafeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "use letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit)").refine((n) => !n.includes(".."), "must not contain '..'");

/** `value` if it is a {@link SafeName}, else a MailboxError("UNSAFE_NAME") naming `what` it was. */
export function safeName(value: string, what = "mailbox name"): string {
  const parsed = SafeName.safeParse(value);
  if (!parsed.success) throw new MailboxError("UNSAFE_NAME", `${what} ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}
