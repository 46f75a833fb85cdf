// @ts-check
/* global document, fetch, CSS, setTimeout */
// The dashboard page's agent detail: the selected agent's facts, hint, last result, its last turn's
// receipt (receipt.js), recent events, output tail and transcript from /api/agent, fetched again
// when the agent changes; and the follow-up message form.

import { act, confirm } from "./actions.js";
import { $, api, dur, h, input } from "./dom.js";
import { renderFacts } from "./facts.js";
import { receiptView } from "./receipt.js";
import { agents } from "./state.js";
import { renderTranscript } from "./transcript.js";

/** @typedef {import("@subagent-mcp/contract").AgentDetail} AgentDetail */

/**
 * The agent whose detail is open, and the transcript page the reader went back to (`before`).
 * @type {{ id: string, server?: number, past: boolean, before?: number } | undefined}
 */
export let selected;
let lastSeen = new Map(); // agent id -> its row in the previous state

export function select(id) {
  const a = agents().find((x) => x.id === id);
  if (!a) return;
  selected = { id, server: a.server, past: !!a.past };
  lastSeen.set(id, undefined);
  for (const tr of /** @type {HTMLCollectionOf<HTMLElement>} */ ($("agent-rows").children))
    if (tr.dataset.key === id) tr.setAttribute("aria-current", "true");
    else tr.removeAttribute("aria-current");
  const d = $("detail");
  d.hidden = false;
  $("detail-h").textContent = `Agent ${a.label || a.id}`;
  $("transcript").replaceChildren();
  $("transcript").dataset.sig = "";
  $("transcript-note").textContent = "Loading…";
  $("detail-result").textContent = "";
  $("send-button").dataset.testid = `send-${id}`;
  $("send-form").hidden = a.past === true;
  renderFacts(a, undefined);
  load();
  $("detail-h").focus({ preventScroll: true });
  d.scrollIntoView({ block: "start" });
}

// Refetches the detail when the selected agent changed: another status, turn or cost, or new output.
export function followSelected() {
  const now = new Map(agents().map((a) => [a.id, a]));
  if (selected) {
    const a = now.get(selected.id);
    const before = lastSeen.get(selected.id);
    if (a) {
      selected.server = a.server;
      selected.past = !!a.past;
      $("send-form").hidden = selected.past;
      const key = (x) => JSON.stringify({ ...x, idle_seconds: undefined });
      const busy = before && a.idle_seconds !== undefined && a.idle_seconds < (before.idle_seconds ?? 0);
      if (!before || key(a) !== key(before) || busy) load();
      else renderFacts(a, detail?.poll);
    }
  }
  lastSeen = now;
}

/** @type {AgentDetail | undefined} */
let detail;
let loading = false;
let again = false;
async function load() {
  if (!selected) return;
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  const { id, server, before } = selected;
  try {
    // A past transcript comes a page at a time, newest first: `before` is the page the reader went back to.
    const query = { id, ...(server === undefined ? {} : { server: String(server) }), ...(before === undefined ? {} : { before_turn: String(before) }) };
    const r = await fetch(api("agent", query));
    const body = await r.json().catch(() => ({}));
    if (selected?.id !== id) return;
    if (!r.ok || body.ok === false) {
      $("transcript-note").textContent = `Could not load: ${body.error?.message ?? r.statusText}`;
    } else renderDetail(body);
  } catch (error) {
    $("transcript-note").textContent = `Could not load: ${/** @type {Error} */ (error).message}`;
  } finally {
    loading = false;
    if (again) {
      again = false;
      setTimeout(load, 300);
    }
  }
}

/** @param {AgentDetail} body */
function renderDetail(body) {
  detail = body;
  // Loaded for the selected agent only.
  const { id } = /** @type {NonNullable<typeof selected>} */ (selected);
  const a = agents().find((x) => x.id === id) ?? { id };
  const poll = body.poll ?? undefined;
  renderFacts(a, poll);
  $("detail-hint").hidden = !poll?.hint;
  $("detail-hint").textContent = poll?.hint ?? "";
  $("detail-last").hidden = !poll?.last_result;
  $("detail-last-text").textContent = poll?.last_result ?? "";
  renderLastReceipt(body);
  const recent = poll?.recent ?? [];
  $("detail-recent").hidden = recent.length === 0;
  $("detail-recent-list").replaceChildren(
    ...recent.map((r) =>
      h("li", {}, h("span", { class: "kind", text: r.kind }), " ", h("span", { text: r.summary }), h("small", { text: ` ${dur(r.seconds_ago)} ago` })),
    ),
  );
  const tail = $("detail-tail-text");
  const atEnd = tail.scrollHeight - tail.scrollTop - tail.clientHeight < 8;
  $("detail-tail").hidden = !poll?.output_tail;
  if (tail.textContent !== (poll?.output_tail ?? "")) {
    tail.textContent = poll?.output_tail ?? "";
    if (atEnd) tail.scrollTop = tail.scrollHeight;
  }
  renderTranscript(body.transcript, selected?.before, turnTo, body.receipt_lines ?? {});
}

/**
 * The receipt of the newest turn that kept one.
 * @param {AgentDetail} body
 */
function renderLastReceipt(body) {
  const lines = body.receipt_lines ?? {};
  const poll = body.poll;
  // A server without a journal has no transcript: its poll_agent's last receipt then.
  const last =
    [...(body.transcript?.turns ?? [])].reverse().find((t) => t.receipt && lines[String(t.turn)]) ??
    (poll?.last_receipt ? { turn: poll.turns, receipt: poll.last_receipt } : undefined);
  $("detail-receipt").hidden = !last?.receipt;
  if (!last?.receipt) {
    $("detail-receipt-body").replaceChildren();
    return;
  }
  $("detail-receipt-h").textContent = `Last turn's receipt (turn ${last.turn})`;
  $("detail-receipt-body").replaceChildren(receiptView(last.receipt, lines[String(last.turn)] ?? "", { testid: "agent-receipt-line", open: true }));
}

/** Shows the transcript's page before turn `before` (undefined: the newest turns). */
function turnTo(before) {
  if (!selected) return;
  selected.before = before;
  load();
}

$("send-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const sel = selected;
  const a = sel && agents().find((x) => x.id === sel.id);
  const message = input("send-text").value.trim();
  if (!a || !message) return;
  const ok = await confirm({ title: "Send this message?", text: `To ${a.label || a.id}:`, quote: message, yes: "Send" });
  if (!ok) return;
  const sent = await act({ action: "send", server: a.server, agent_id: a.id, message }, $("detail-result"), "Send");
  if (sent) input("send-text").value = "";
});

$("detail-close").addEventListener("click", () => {
  const id = selected?.id;
  selected = undefined;
  $("detail").hidden = true;
  for (const tr of $("agent-rows").children) tr.removeAttribute("aria-current");
  if (id) /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="agent-row-${CSS.escape(id)}"]`))?.focus();
});
