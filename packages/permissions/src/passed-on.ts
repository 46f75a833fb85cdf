import { programPattern } from "./program-glob.js";
import { mayCover } from "./match.js";
import type { ParsedRule } from "./rule.js";
import type { ShellAnalysis, ShellCommand } from "./shell.js";
import { READ_ONLY } from "./shell-files.js";
import { knownRunner, programName } from "./unwrap.js";

// A program we do not know may run the words it is given (`chronic rm x`, `mywrap rm x`), and a
// program settled only as it runs (`n?ce rm x`) may be such a wrapper: a command rule that covers
// what its arguments would run, read as a command, still speaks for the line.

type CommandRule = Extract<ParsedRule, { type: "command" }>;

/** Programs known not to run the words they are given. */
const INERT = new Set([...READ_ONLY, "echo", "printf", "true", "false", "test", "[", "[[", "cd", "pwd", "type", "which", "whereis", "man", "whatis", "help"]);

/** Words past this many are not read as the start of a command. */
const MAX_WORDS = 64;

/** A command of the line whose arguments a rule covers as a command of their own. */
export interface PassedOn {
  rule: string;
  program: string;
  words: string;
}

/**
 * The first rule of `rules` that covers a command some argument starts, among commands run by a
 * program we do not know (`which: "unknown"`) or whose program is settled only as it runs (`"unsettled"`).
 */
export function passedOn(rules: readonly ParsedRule[], shell: ShellAnalysis | undefined, which: "unknown" | "unsettled"): PassedOn | undefined {
  const commandRules = rules.filter((r): r is CommandRule => r.type === "command" && r.tool === "Bash");
  if (shell === undefined || commandRules.length === 0) return undefined;
  for (const command of shell.commands) {
    const program = programName(command.argv[0] ?? "");
    const unknown = command.unsettled === undefined && !knownRunner(program) && !INERT.has(program);
    if (which === "unsettled" ? command.unsettled === undefined : !unknown) continue;
    for (let i = 1; i < Math.min(command.argv.length, MAX_WORDS); i += 1) {
      if ((command.argv[i] ?? "-").startsWith("-")) continue;
      const argv = command.argv.slice(i);
      const inner: ShellCommand = { argv, reads: [], writes: [], ...unsettledOf(argv[0] ?? "") };
      const hit = commandRules.find((rule) => mayCover(rule, inner));
      if (hit !== undefined) return { rule: hit.source, program: command.argv[0] ?? "", words: argv.join(" ") };
    }
  }
  return undefined;
}

function unsettledOf(word: string): { unsettled?: string } {
  const pattern = programPattern(word);
  return pattern === undefined ? {} : { unsettled: pattern };
}
