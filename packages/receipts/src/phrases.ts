import type { ReceiptsConfig } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";
import { ReceiptError } from "./errors.js";

// The lists a receipt reads text with: which shell commands are test runs and which words of a
// prompt ask for a change. Documented in the README; a user's config adds to them (`receipts` in
// config.json) or, with `defaults: false`, replaces them. Patterns are case-insensitive regular
// expressions. A final text is read by grammar (reader/), not by a list; the user's `claims`
// patterns count as claims besides what it finds.

/**
 * Test runners, matched against each command of a shell line as the shell parser reads it (quotes
 * removed, wrappers such as `timeout`, `env` and `sh -c` read through): a match counts only where it
 * starts in the command's program word (so `cd app && npm test` and `CI=1 pnpm -r test` are test
 * runs, `echo npm test` is not; see test-run.ts).
 */
export const DEFAULT_TEST_COMMANDS: readonly string[] = [
  String.raw`\b(npm|pnpm|yarn|bun)( run)?( -r| --recursive| -w| --workspaces)? (test|t)\b`,
  String.raw`\b(npx |pnpm exec |pnpm dlx |yarn |bunx )?(vitest|jest|mocha|ava|tap|playwright test|cypress run)\b`,
  String.raw`\bnode --test\b`,
  String.raw`\bdeno test\b`,
  String.raw`\bbun test\b`,
  String.raw`\b((uv|poetry|pipenv|pdm|hatch|rye) run )?(python[\d.]* -m )?(pytest|py\.test|unittest|nose2|tox|nox)\b`,
  String.raw`\bgo test\b`,
  String.raw`\bcargo (test|nextest)\b`,
  String.raw`\b(mvn|mvnw|\./mvnw)\b.*\b(test|verify)\b`,
  String.raw`\b(gradle|gradlew|\./gradlew)\b.*\b(test|check)\b`,
  String.raw`\bmake( -\S+)* (test|check)\b`,
  String.raw`\bdotnet test\b`,
  String.raw`\b(rspec|rake test|bundle exec (rspec|rake test))\b`,
  String.raw`\bphpunit\b`,
  String.raw`\bmix test\b`,
  String.raw`\bctest\b`,
  String.raw`\bswift test\b`,
  String.raw`\bturbo( run)? test\b`,
];

/** Words by which a prompt asks for a change to files (not just an answer). */
export const DEFAULT_CHANGE_REQUESTS: readonly string[] = [
  String.raw`\b(fix|implement|add|edit|change|modify|update|write|create|refactor|rename|remove|delete|replace|rewrite|migrate|bump|patch|apply)\b`,
];

/** The lists compiled once per server. */
export interface Phrases {
  tests: RegExp[];
  /** The user's own claim patterns, read besides the final text's grammar. */
  claims: RegExp[];
  changes: RegExp[];
}

/** Compiles the lists of `config` (over the defaults unless `defaults: false`); a pattern that is not a regular expression is an error that names it. */
export function compilePhrases(config: ReceiptsConfig = {}): Phrases {
  const own = config.defaults !== false;
  const list = (defaults: readonly string[], extra: string[] | undefined): RegExp[] =>
    [...(own ? defaults : []), ...(extra ?? [])].map((pattern) => compile(pattern));
  return {
    tests: list(DEFAULT_TEST_COMMANDS, config.test_commands),
    claims: list([], config.claims),
    changes: list(DEFAULT_CHANGE_REQUESTS, config.change_requests),
  };
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "im");
  } catch (error) {
    throw new ReceiptError("CONFIG_INVALID", `receipts: "${pattern}" is not a regular expression (${errorMessage(error)})`);
  }
}

/** Whether a prompt asks for a change to files. */
export function asksForChange(phrases: Phrases, prompt: string): boolean {
  return phrases.changes.some((re) => re.test(prompt));
}
