import { MAX_RULE_CHARS, MAX_RULES } from "@subagent-mcp/contract";
import type { PermissionRules } from "@subagent-mcp/permissions";
import { ServerError } from "../errors.js";

// Launch text that ends up on a CLI's command line or in its environment (model, effort, allowed
// tools, permission rules) is bounded, each option by contract's launch options and all of it
// together here, so that an oversized value is this call's clear error rather than a spawn that
// fails with E2BIG. Text a CLI reads from stdin, a protocol message or a file (prompts, messages,
// system_prompt_append) is bounded only by the request size.

/** The most characters of allowed tools and permission rules together (Linux takes at most 128 KiB in one argument). */
export const MAX_RULES_CHARS = 64 * 1024;

/** Throws INVALID_ARGUMENT when the tools and rules of a launch, which reach the CLI's command line, are too many or too long. */
export function checkCommandLineText(what: string, tools: readonly string[] | undefined, rules: PermissionRules | undefined): void {
  const lists: [string, readonly string[] | undefined][] = [
    ["allowed_tools", tools],
    ["permissions.allow", rules?.allow],
    ["permissions.deny", rules?.deny],
    ["permissions.ask", rules?.ask],
  ];
  let total = 0;
  for (const [name, list] of lists) {
    if (list === undefined) continue;
    if (list.length > MAX_RULES) throw new ServerError("INVALID_ARGUMENT", `${what}: ${name} has ${list.length} entries; at most ${MAX_RULES} are taken`);
    const long = list.find((r) => r.length > MAX_RULE_CHARS);
    if (long !== undefined)
      throw new ServerError("INVALID_ARGUMENT", `${what}: an entry of ${name} has ${long.length} characters; at most ${MAX_RULE_CHARS} are taken`);
    total += list.reduce((n, r) => n + r.length + 1, 0);
  }
  if (total > MAX_RULES_CHARS)
    throw new ServerError(
      "INVALID_ARGUMENT",
      `${what}: allowed_tools and permissions come to ${total} characters; at most ${MAX_RULES_CHARS} are taken (they reach the CLI's command line)`,
    );
}
