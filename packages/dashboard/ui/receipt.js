// @ts-check
// A turn's receipt in the dashboard page: its line (a SUSPECT one marked), then what it rests on, one
// short line each: commands and their exit codes, files and their lines, the tests' verdict, the
// permission answers and why its claims are suspect. The line comes from the server (contract's
// `receiptLine`, in /api/agent's receipt_lines), so the page never words it differently.

import { h } from "./dom.js";

/** @typedef {import("@subagent-mcp/contract").Receipt} Receipt */

const SUSPECT = "SUSPECT: ";

/** Whether a receipt line flags suspect claims. */
const suspectLine = (/** @type {string | undefined} */ line) => typeof line === "string" && line.startsWith(SUSPECT);

/**
 * The receipt line, a SUSPECT one as a marked badge and its reasons.
 * @param {string} line
 * @param {string} testid
 */
export function receiptHead(line, testid) {
  const suspect = suspectLine(line);
  return h(
    "p",
    { class: suspect ? "receipt-line suspect" : "receipt-line", "data-testid": testid, "data-suspect": suspect ? "true" : "false" },
    suspect ? h("span", { class: "badge", "data-status": "errored", text: "SUSPECT" }) : "",
    suspect ? ` ${line.slice(SUSPECT.length)}` : line,
  );
}

/** @param {number | null} code */
const exit = (code) => (code === null ? "exit ?" : `exit ${code}`);

/**
 * What a receipt rests on, one line each (empty when it did nothing worth a line).
 * @param {Receipt} r
 * @returns {string[]}
 */
function facts(r) {
  const out = [];
  for (const c of r.commands) out.push(`$ ${c.command} (${exit(c.exit_code)}${c.test ? ", test" : ""})`);
  if (r.commands_omitted) out.push(`$ … ${r.commands_omitted} more command(s)`);
  for (const f of r.files.changed) out.push(`${f.path} ${f.change} ${f.binary ? "binary" : `+${f.added ?? 0} -${f.removed ?? 0}`}`);
  if (r.files.omitted) out.push(`… ${r.files.omitted} more file(s)`);
  if (r.files.undetermined) out.push(`files undetermined: ${r.files.undetermined}`);
  if (r.tests.verdict !== "none")
    out.push(`tests ${r.tests.verdict} (${r.tests.runs} run${r.tests.runs === 1 ? "" : "s"})${r.tests.reason ? `: ${r.tests.reason}` : ""}`);
  for (const p of r.permissions) out.push(`permission ${p.tool} ${p.summary}: ${p.decision} by ${p.by}`);
  for (const s of r.suspect ?? []) out.push(`suspect ${s.reason.replace(/_/g, " ")}: ${s.evidence}`);
  for (const u of r.undetermined ?? []) out.push(`undetermined: ${u}`);
  return out;
}

/**
 * A receipt: its head line, and its facts in a list (inside a closed `<details>` unless `open`).
 * @param {Receipt} r
 * @param {string} line
 * @param {{ testid: string, open: boolean }} opts
 */
export function receiptView(r, line, { testid, open }) {
  const lines = facts(r);
  const list = h("ul", { class: "receipt-facts" }, ...lines.map((l) => h("li", {}, h("code", { text: l }))));
  if (lines.length === 0) return h("div", { class: "receipt" }, receiptHead(line, testid));
  if (open) return h("div", { class: "receipt" }, receiptHead(line, testid), list);
  const more = h("details", {}, h("summary", { text: "What it did" }), list);
  return h("div", { class: "receipt" }, receiptHead(line, testid), more);
}
