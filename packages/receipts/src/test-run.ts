import { lineStatus } from "@subagent-mcp/permissions";
import type { Phrases } from "./phrases.js";

// Whether a shell line is a test run, read by the shell parser the permission rules use: a test
// command counts only as a command word of a simple command (`echo npm test`, `# npm test` and
// `grep "npm test"` run no test), and its exit counts only where the line's exit is its own
// (`npm test || true`, `npm test | tee log`, `npm test; echo done` say nothing of the tests).

/** A line whose text names a test command, as a test run. */
export type TestRun =
  /** A test command runs; `masked`: why the line's exit is not (only) its own. */
  | { run: true; masked?: string }
  /** Test words that run nothing: an argument, a comment, a here-document's body. */
  | { run: false; reason: string };

/** The line as a test run; undefined when no test pattern appears in its text at all. */
export function testRunOf(phrases: Phrases, line: string): TestRun | undefined {
  const named = firstMatch(phrases, line);
  if (named === undefined) return undefined;
  const status = lineStatus(line);
  const runs = status.commands.filter((c) => isTestProgram(phrases, c.argv));
  // A line that cannot be read in full may run the tests, and its exit is then no one's in particular.
  if (status.doubt !== undefined) return { run: true, masked: `the line cannot be read in full (${status.doubt})` };
  if (runs.length > 0) {
    // One masked test command is enough: `npm run unit || true; npm run e2e` hides the unit tests' failures.
    const masked = runs.find((r) => r.masked !== undefined)?.masked;
    return masked === undefined ? { run: true } : { run: true, masked };
  }
  const holder = status.commands.find((c) => firstMatch(phrases, c.argv.join(" ")) !== undefined);
  const where = holder === undefined ? "it is only in a comment or a here-document" : `it is only words given to \`${holder.argv[0] ?? ""}\``;
  return { run: false, reason: `\`${named}\` is not run: ${where}` };
}

// A test pattern that starts within the program word (`npm test`, `./node_modules/.bin/vitest`,
// `python -m pytest`), not in a later argument (`echo npm test`).
function isTestProgram(phrases: Phrases, argv: string[]): boolean {
  const program = argv[0] ?? "";
  if (program === "") return false;
  const text = argv.join(" ");
  return phrases.tests.some((re) => {
    const match = re.exec(text);
    return match !== null && match.index < program.length;
  });
}

function firstMatch(phrases: Phrases, text: string): string | undefined {
  for (const re of phrases.tests) {
    const match = re.exec(text);
    if (match !== null) return match[0].trim().slice(0, 60);
  }
  return undefined;
}
