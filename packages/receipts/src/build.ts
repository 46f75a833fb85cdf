import type { Receipt, ReceiptFiles, Suspect, TurnEnding } from "@subagent-mcp/contract";
import type { TurnClose } from "@subagent-mcp/core";
import { asksForChange, type Phrases } from "./phrases.js";
import type { Admits } from "./reader/clause.js";
import { readFinalText } from "./reader/read.js";
import { MAX_LISTED, type TurnTally } from "./tally.js";

// A turn's receipt from its counts, how it ended and its files; then its final text held against
// those facts. The facts decide: no model is asked. A fact that shows the turn did not do what it was
// asked (a denial, failing tests, no change, an early stop, an error left standing) is suspect unless
// the text owns up to it, whether or not the text claims anything: a silent answer hides it as well
// as a false one. Claims the facts cannot back (work with no tool call, tests with no run) are
// suspect only when made.

/** What a receipt is made of besides the tally. */
export interface ReceiptInput {
  tally: TurnTally;
  close: TurnClose;
  files: ReceiptFiles;
  /** What the turn asked (its prompt), when known. */
  prompt: string | undefined;
  undetermined: string[];
}

/** The receipt of a turn. */
export function buildReceipt(phrases: Phrases, input: ReceiptInput): Receipt {
  const { tally, close, files } = input;
  const { outcome } = close;
  const undetermined = [...input.undetermined];
  if (tally.commands.some((c) => c.answered && c.exit_code === null)) undetermined.push("exit codes: the CLI did not report them for some commands");
  const receipt: Receipt = {
    ended: endingOf(tally, close),
    tools: {
      calls: tally.calls,
      by_kind: { ...tally.byKind },
      ...(Object.keys(tally.mcp).length === 0 ? {} : { mcp: { ...tally.mcp } }),
      failed: tally.failed,
    },
    commands: tally.commands.map(({ answered: _a, ...c }) => c),
    ...(tally.commandsOmitted === 0 ? {} : { commands_omitted: tally.commandsOmitted }),
    permissions: [...tally.permissions],
    files,
    tests: testsOf(tally),
    tokens: { input: outcome.usage.input, output: outcome.usage.output },
    ...(outcome.costUsd === undefined ? {} : { cost_usd: Math.round(outcome.costUsd * 1e6) / 1e6 }),
    duration_ms: Math.round(outcome.durationMs),
    ...(undetermined.length === 0 ? {} : { undetermined }),
  };
  const suspect = suspectsOf(phrases, receipt, input);
  return suspect.length === 0 ? receipt : { ...receipt, suspect };
}

// The last test run's verdict: its exit code where the line's exit is the tests', else undetermined and why.
function testsOf(tally: TurnTally): Receipt["tests"] {
  const last = tally.lastTest;
  if (last === undefined) return { runs: tally.testRuns, verdict: "none" };
  const { command, exit_code } = last.command;
  const verdict = last.undetermined !== undefined ? "undetermined" : exit_code === null ? "unknown" : exit_code === 0 ? "passed" : "failed";
  return { runs: tally.testRuns, verdict, last: { command, exit_code }, ...(last.undetermined === undefined ? {} : { reason: clip(last.undetermined, 300) }) };
}

function endingOf(tally: TurnTally, close: TurnClose): Receipt["ended"] {
  const { outcome } = close;
  const stop = outcome.stop;
  const how = (h: TurnEnding, detail?: string): Receipt["ended"] => (detail === undefined ? { how: h } : { how: h, detail: clip(detail, 300) });
  if (close.lost === "killed") return how("killed");
  if (close.lost === "exited") return how("error", firstLine(outcome.result) || "the CLI process exited mid-turn");
  if (close.budget !== undefined) return how("budget", close.budget);
  if (outcome.interrupted) return how("interrupted");
  if (stop?.maxTurns === true) return how("max_turns", stop.reason);
  if (outcome.isError) return how("error", stop?.reason ?? firstLine(outcome.result));
  if (tally.deniedLast !== undefined) return how("permission_denied", tally.deniedLast);
  return stop === undefined ? how("end_turn") : how("end_turn", stop.reason);
}

// Each fact the final text does not own up to, and each claim no fact backs.
function suspectsOf(phrases: Phrases, receipt: Receipt, input: ReceiptInput): Suspect[] {
  const read = readFinalText(input.close.outcome.result, phrases.claims);
  const admits = (...topics: Admits[]): boolean => topics.some((t) => read.admits.includes(t));
  // How a contradicted fact is told: against the claim when there is one, else as what the answer leaves out.
  const against = (claim: string | undefined, fact: string): string =>
    claim === undefined ? `${fact} and the answer does not say so` : `says "${clip(claim, 60)}" but ${fact}`;
  const out: Suspect[] = [];
  const { tools, files, tests, ended } = receipt;
  if (read.claim !== undefined && tools.calls === 0) out.push({ reason: "no_tool_calls", evidence: `says "${clip(read.claim, 60)}" but made no tool call` });
  else if (
    files.source !== "none" &&
    files.total.files === 0 &&
    input.prompt !== undefined &&
    asksForChange(phrases, input.prompt) &&
    !admits("unchanged", "unable", "denied", "incomplete", "stopped")
  )
    out.push({
      reason: "no_changes",
      evidence: against(read.claim, `changed no file (${files.source === "git" ? "git" : "its edit tools"}) though the task asked for a change`),
    });
  const testsClaim = read.testsClaim;
  if (tests.verdict === "failed" && tests.last !== undefined && !admits("tests", "failed"))
    out.push({
      reason: "tests_failed",
      evidence: against(testsClaim ?? read.claim, `the last test run \`${tests.last.command}\` exited ${String(tests.last.exit_code)}`),
    });
  else if (testsClaim !== undefined && tests.runs === 0 && tools.calls > 0)
    out.push({ reason: "no_test_run", evidence: `says "${clip(testsClaim, 60)}" but ran no test command` });
  else if (testsClaim !== undefined && (tests.verdict === "undetermined" || tests.verdict === "unknown") && tests.last !== undefined)
    out.push({
      reason: "tests_undetermined",
      evidence: `says "${clip(testsClaim, 60)}" but the last test run \`${tests.last.command}\` does not show it: ${
        tests.verdict === "unknown" ? "the CLI did not report its exit code" : (tests.reason ?? "its exit is not the tests'")
      }`,
    });
  const unanswered = input.tally.unanswered;
  if (unanswered !== undefined && tests.verdict !== "failed" && read.admits.length === 0)
    out.push({ reason: "tool_error_unanswered", evidence: against(read.claim, `${unanswered} and nothing followed`) });
  if ((ended.how === "max_turns" || ended.how === "budget" || ended.how === "error") && !admits("stopped", "incomplete", "unable", "failed"))
    out.push({
      reason: "stopped_early",
      evidence: against(read.claim, `the turn stopped on ${ended.how}${ended.detail === undefined ? "" : ` (${ended.detail})`}`),
    });
  const denied = receipt.permissions.filter((p) => p.decision === "deny");
  if (denied.length > 0 && !admits("denied", "unable")) {
    const first = denied[0] as (typeof denied)[number];
    const more = denied.length > 1 ? ` (and ${denied.length - 1} more)` : "";
    out.push({
      reason: "permission_denied",
      evidence: against(read.claim, `${first.summary} was denied${first.rule === undefined ? ` by ${first.by}` : ` by rule ${first.rule}`}${more}`),
    });
  }
  return out.slice(0, MAX_LISTED);
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim() !== "") ?? "").trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
