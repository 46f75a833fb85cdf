import { receiptLine, type Receipt } from "@subagent-mcp/contract";

// A finished turn's receipt under its line in `logs`: its one-line summary, then what it rests on,
// one short line each: the commands and their exit codes, the files and their lines, the tests'
// verdict, the permission answers, and why its claims are suspect.

const INDENT = "    ";

const exit = (code: number | null): string => (code === null ? "exit ?" : `exit ${code}`);

function fileLine(f: Receipt["files"]["changed"][number]): string {
  const lines = f.binary === true ? "binary" : `+${f.added ?? 0} -${f.removed ?? 0}`;
  return `file ${f.path} ${f.change} ${lines}`;
}

// The second opinion: who reviewed (its own turn is in the journal under its id), the verdict, each reason.
function reviewLines(review: NonNullable<Receipt["review"]>): string[] {
  const who = `${review.provider}${review.model === undefined ? "" : `/${review.model}`}${review.agent_id === undefined ? "" : ` (agent ${review.agent_id})`}`;
  const cost = review.cost_usd === undefined ? "" : `, $${review.cost_usd.toFixed(4)}`;
  const head = `review by ${who}: ${review.verdict}${review.detail === undefined ? "" : ` — ${review.detail}`}${cost}`;
  return [head, ...review.reasons.map((reason) => `  - ${reason}`)];
}

/** The lines `logs` prints under a turn that kept a receipt, indented. */
export function receiptLines(r: Receipt): string[] {
  const out = [receiptLine(r)];
  for (const c of r.commands) out.push(`$ ${c.command} (${exit(c.exit_code)}${c.test === true ? ", test" : ""})`);
  if (r.commands_omitted !== undefined) out.push(`$ … ${r.commands_omitted} more command(s)`);
  for (const f of r.files.changed) out.push(fileLine(f));
  if (r.files.omitted !== undefined) out.push(`file … ${r.files.omitted} more file(s)`);
  if (r.files.undetermined !== undefined) out.push(`files undetermined: ${r.files.undetermined}`);
  else if (r.files.source === "tools") out.push("files as the edit tools reported them (not a git repository)");
  if (r.tests.verdict !== "none")
    out.push(
      `tests ${r.tests.verdict} (${r.tests.runs} run${r.tests.runs === 1 ? "" : "s"}${r.tests.last === undefined ? "" : `, last: ${r.tests.last.command}`})${r.tests.reason === undefined ? "" : `: ${r.tests.reason}`}`,
    );
  for (const p of r.permissions) out.push(`permission ${p.tool} ${p.summary}: ${p.decision} by ${p.by}${p.rule === undefined ? "" : ` (${p.rule})`}`);
  for (const s of r.suspect ?? []) out.push(`suspect ${s.reason}: ${s.evidence}`);
  if (r.review !== undefined) out.push(...reviewLines(r.review));
  for (const u of r.undetermined ?? []) out.push(`undetermined: ${u}`);
  for (const a of r.attempts ?? []) out.push(`earlier attempt on ${a.provider}${a.model === undefined ? "" : `/${a.model}`}: ${receiptLine(a)}`);
  return out.map((l) => `${INDENT}${l}`);
}
