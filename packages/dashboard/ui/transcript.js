// @ts-check
// The transcript of the dashboard page's agent detail: its turns (prompts, tool calls, result,
// receipt) and resumes in time order, a page at a time for a past agent, with buttons to the earlier
// and newest turns.

import { $, dur, h, num, usd } from "./dom.js";
import { receiptView } from "./receipt.js";

/** @typedef {import("@subagent-mcp/contract").TranscriptResult} TranscriptResult */

/**
 * @param {TranscriptResult | null | undefined} t
 * @param {number | undefined} shownBefore the page the reader went back to (undefined: the newest turns)
 * @param {(before: number | undefined) => void} turnTo shows the page before that turn
 * @param {Record<string, string>} lines each turn's receipt line, by turn number
 */
export function renderTranscript(t, shownBefore, turnTo, lines) {
  const list = $("transcript");
  const sig = JSON.stringify(t ?? null);
  if (list.dataset.sig === sig) return;
  list.dataset.sig = sig;
  const open = new Set([...list.querySelectorAll("details[open]")].map((d) => /** @type {HTMLElement} */ (d).dataset.turn));
  const turns = t?.turns ?? [];
  const items = [
    ...turns.map((x) => ({ at: x.at, el: () => turnItem(x, open, lines[String(x.turn)]) })),
    ...(t?.resumes ?? []).map((r) => ({ at: r.at, el: () => h("li", { class: "resume", text: `Resumed ${new Date(r.at).toLocaleString()}: ${r.reason}` }) })),
  ].sort((x, y) => String(x.at).localeCompare(String(y.at)));
  list.replaceChildren(...items.map((i) => i.el()));
  const notes = [];
  if (!turns.length) notes.push("No turns yet.");
  if (t?.next_turn) notes.push(`Showing turns up to ${t.next_turn - 1} of ${t.total_turns}.`);
  if (t?.earlier_turn || shownBefore) notes.push(`Showing turns ${turns[0]?.turn ?? "—"}–${turns.at(-1)?.turn ?? "—"} of ${t?.total_turns ?? "—"}.`);
  if (t?.skipped_lines) notes.push(`${t.skipped_lines} journal line(s) could not be read.`);
  const page = (label, testid, before) =>
    h("button", {
      type: "button",
      "data-testid": testid,
      text: label,
      on: { click: () => turnTo(before) },
    });
  const buttons = [];
  if (t?.earlier_turn) buttons.push(" ", page("Earlier turns", "transcript-earlier", t.earlier_turn));
  if (shownBefore) buttons.push(" ", page("Newest turns", "transcript-newest", undefined));
  $("transcript-note").replaceChildren(notes.join(" "), ...buttons);
}

function turnItem(t, open, receiptLine) {
  const meta = [new Date(t.at).toLocaleString()];
  if (typeof t.duration_ms === "number") meta.push(dur(t.duration_ms / 1000));
  if (typeof t.cost_usd === "number") meta.push(usd(t.cost_usd));
  const tools = t.tools ?? [];
  const details = h(
    "details",
    { "data-turn": String(t.turn) },
    h("summary", { text: `${tools.length} tool call${tools.length === 1 ? "" : "s"}` }),
    h("ol", { class: "tools" }, ...tools.map((x) => h("li", {}, h("code", { text: x })))),
  );
  details.open = open.has(String(t.turn));
  const result =
    t.result === undefined
      ? h("p", { class: "muted", text: "Under way…" })
      : h("div", { class: t.is_error ? "result-text bad-box" : "result-text", text: t.result });
  return h(
    "li",
    { class: "turn" },
    h(
      "h4",
      {},
      `Turn ${t.turn}`,
      h("small", { text: ` ${meta.join(" · ")}` }),
      t.is_error ? h("span", { class: "badge", "data-status": "errored", text: "error" }) : "",
      t.interrupted ? h("span", { class: "badge", "data-status": "stopped", text: "interrupted" }) : "",
    ),
    ...(t.prompts ?? []).map((p) => h("div", { class: "prompt" }, h("span", { class: "sr-only", text: "Prompt: " }), p)),
    tools.length ? details : "",
    result,
    t.result_chars ? h("small", { class: "muted", text: `(first part of ${num(t.result_chars)} characters)` }) : "",
    t.receipt && receiptLine ? receiptView(t.receipt, receiptLine, { testid: `turn-receipt-${t.turn}`, open: false }) : "",
  );
}
