import type { Receipt, ReceiptFiles, Suspect, TurnEnding } from "@subagent-mcp/contract";
import type { TurnClose } from "@subagent-mcp/core";
import { asksForChange, claimIn, type Phrases } from "./phrases.js";
import { MAX_LISTED, type TurnTally } from "./tally.js";

// A turn's receipt from its counts, how it ended and its files; then the claims of its final text
// held against those facts. The facts decide: no model is asked.

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

// Each claim of the final text that a fact contradicts, with the fact.
function suspectsOf(phrases: Phrases, receipt: Receipt, input: ReceiptInput): Suspect[] {
  const claim = claimIn(phrases, input.close.outcome.result);
  if (claim === undefined) return [];
  const said = `says "${clip(claim, 60)}"`;
  const out: Suspect[] = [];
  const { tools, files, tests, ended } = receipt;
  if (tools.calls === 0) out.push({ reason: "no_tool_calls", evidence: `${said} but made no tool call` });
  else if (files.source !== "none" && files.total.files === 0 && input.prompt !== undefined && asksForChange(phrases, input.prompt))
    out.push({
      reason: "no_changes",
      evidence: `${said} but changed no file (${files.source === "git" ? "git" : "its edit tools"}), and the task asked for a change`,
    });
  if (tests.verdict === "failed" && tests.last !== undefined)
    out.push({ reason: "tests_failed", evidence: `${said} but the last test run \`${tests.last.command}\` exited ${String(tests.last.exit_code)}` });
  else if (tests.runs === 0 && tools.calls > 0 && claimsTests(claim)) out.push({ reason: "no_test_run", evidence: `${said} but ran no test command` });
  else if (tests.verdict === "undetermined" && tests.last !== undefined && claimsTests(claim))
    out.push({
      reason: "tests_undetermined",
      evidence: `${said} but the last test run \`${tests.last.command}\` does not show it: ${tests.reason ?? "its exit is not the tests'"}`,
    });
  const unanswered = input.tally.unanswered;
  if (unanswered !== undefined && tests.verdict !== "failed")
    out.push({ reason: "tool_error_unanswered", evidence: `${said} but ${unanswered} and nothing followed` });
  if (ended.how === "max_turns" || ended.how === "budget" || ended.how === "error")
    out.push({ reason: "stopped_early", evidence: `${said} but the turn stopped on ${ended.how}${ended.detail === undefined ? "" : ` (${ended.detail})`}` });
  const denied = receipt.permissions.filter((p) => p.decision === "deny");
  if (denied.length > 0) {
    const first = denied[0] as (typeof denied)[number];
    const more = denied.length > 1 ? ` (and ${denied.length - 1} more)` : "";
    out.push({
      reason: "permission_denied",
      evidence: `${said} but ${first.summary} was denied${first.rule === undefined ? ` by ${first.by}` : ` by rule ${first.rule}`}${more}`,
    });
  }
  return out.slice(0, MAX_LISTED);
}

function claimsTests(claim: string): boolean {
  return /\btests?\b|\bsuite\b/i.test(claim);
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim() !== "") ?? "").trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
