// @ts-check
/* global setTimeout */
// The dashboard page's team boards (the state's `boards`): each board's tasks in one column per
// state, each card with its key and title, who holds it and since when, what it depends on ("← a, b",
// each a link to that task's card, marked done or not), why it was sent back, its tries, its
// result's head and its receipt's line; and the board's cost from its members' turns, in all and
// per task. A board is drawn again when it changed (or its times' minute did).

import { $, changed, empty, h, usd, words } from "./dom.js";
import { receiptHead } from "./receipt.js";
import { state, timeEl } from "./state.js";

/** @typedef {import("@subagent-mcp/contract").BoardView} BoardView */
/** @typedef {import("@subagent-mcp/contract").BoardCard} BoardCard */

export function renderBoards() {
  const boards = state.boards ?? [];
  $("nav-boards").textContent = boards.length ? String(boards.length) : "";
  const body = $("boards-body");
  if (!boards.length) {
    if (changed(body, [])) body.replaceChildren(empty("No team board on this machine."));
    return;
  }
  body.dataset.sig = "";
  const old = new Map([.../** @type {HTMLCollectionOf<HTMLElement>} */ (body.children)].map((el) => [el.dataset.board, el]));
  /** @type {ChildNode | null} */
  let prev = null;
  for (const b of boards) {
    const el = old.get(b.name) ?? h("article", { class: "board", "data-board": b.name, "data-testid": `board-${b.name}`, "aria-label": `Board ${b.name}` });
    // Times are told in minutes: the same board a minute later is drawn again for its "ago".
    if (changed(el, [b, (state.generated_at ?? "").slice(0, 16)])) el.replaceChildren(...boardParts(b));
    const want = prev ? prev.nextSibling : body.firstChild;
    if (el !== want) body.insertBefore(el, want);
    prev = el;
  }
  // What follows the boards drawn: boards gone, or the note of none.
  while (prev?.nextSibling) prev.nextSibling.remove();
}

/** @param {BoardView} b */
function boardParts(b) {
  const counts = Object.entries(b.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${words(s)}`);
  return [
    h(
      "div",
      { class: "board-head" },
      h("h3", { text: b.name }),
      b.all_done ? h("span", { class: "badge", "data-status": "finished", text: "all done" }) : "",
      b.stuck.length ? h("span", { class: "badge", "data-status": "errored", text: `stuck: ${b.stuck.join(", ")}` }) : "",
      h("span", { class: "muted", text: `${b.total} task${b.total === 1 ? "" : "s"}${counts.length ? `: ${counts.join(", ")}` : ""}` }),
    ),
    b.team.length ? h("p", { class: "board-team muted", text: `Team: ${b.team.map((m) => (m.vendor ? `${m.name} (${m.vendor})` : m.name)).join(", ")}` }) : "",
    costLine(b),
    h(
      "div",
      { class: "board-cols", role: "list", "aria-label": `Tasks of ${b.name} by state` },
      ...b.columns.map((c) =>
        h(
          "section",
          {
            class: c.cards.length ? "board-col" : "board-col none",
            role: "listitem",
            "data-status": c.status,
            "data-testid": `board-col-${b.name}-${c.status}`,
          },
          h("h4", {}, words(c.status), h("span", { class: "count", text: String(c.cards.length) })),
          ...c.cards.map((card) => cardEl(b.name, card)),
        ),
      ),
    ),
  ];
}

/** The board's cost in all, then each task's that has one. @param {BoardView} b */
function costLine(b) {
  const tasks = b.columns.flatMap((c) => c.cards).filter((c) => c.cost_usd !== undefined);
  const unknown = b.unknown_cost_turns ? ` (${b.unknown_cost_turns} without a cost)` : "";
  return h(
    "p",
    { class: "board-cost", "data-testid": `board-cost-${b.name}` },
    h("strong", { text: `Cost ${usd(b.cost_usd)}` }),
    ` over ${b.turns} turn${b.turns === 1 ? "" : "s"}${unknown}`,
    ...tasks.map((c) => h("span", { class: "chip", "data-testid": `board-task-cost-${b.name}-${c.key}`, text: `${c.key} ${usd(c.cost_usd)}` })),
  );
}

/** @param {string} board @param {BoardCard} c */
function cardEl(board, c) {
  const id = `${board}-${c.key}`;
  return h(
    "article",
    { class: "task", tabindex: "-1", "data-key": c.key, "data-status": c.status, "data-testid": `board-card-${id}` },
    h("p", { class: "task-title" }, h("code", { text: c.key }), " ", c.title),
    holder(c, id),
    c.depends_on.length ? deps(board, c) : "",
    c.sent_back ? sentBack(c, id) : "",
    c.tries > 0 ? h("p", { class: "muted", "data-testid": `board-tries-${id}`, text: `try ${Math.min(c.tries + 1, c.max_tries)} of ${c.max_tries}` }) : "",
    c.reason ? h("p", { class: "bad", text: `Failed: ${c.reason}` }) : "",
    c.result
      ? h("p", {
          class: "task-result",
          "data-testid": `board-result-${id}`,
          title: c.result_chars ? `${c.result_chars} characters` : undefined,
          text: c.result,
        })
      : "",
    c.receipt ? receiptHead(c.receipt.line, `board-receipt-${id}`) : "",
    c.turns ? h("p", { class: "muted", text: `${usd(c.cost_usd)} · ${c.turns} turn${c.turns === 1 ? "" : "s"}` }) : "",
  );
}

/** Who holds the task and since when. @param {BoardCard} c @param {string} id */
function holder(c, id) {
  const who = c.status === "claimed" ? `${c.holder} claimed it ` : c.holder ? `by ${c.holder}${c.reviewer ? `, reviewed by ${c.reviewer}` : ""} ` : "";
  const pending = c.status === "in_review" && !c.reviewer ? "waiting for a reviewer " : "";
  if (!who && !pending && !c.since && !c.assignee) return "";
  return h(
    "p",
    { class: "task-who", "data-testid": `board-holder-${id}` },
    c.assignee && !c.holder ? `for ${c.assignee} ` : "",
    who,
    pending,
    c.since ? timeEl(c.since) : "",
  );
}

/** "← a, b": each dependency a link to its card, ✓ when done. @param {string} board @param {BoardCard} c */
function deps(board, c) {
  const links = c.depends_on.map((d, i) => [
    i ? ", " : "",
    h("a", {
      href: "#",
      class: "dep",
      "data-status": d.status,
      "data-testid": `board-dep-${board}-${c.key}-${d.key}`,
      title: `${d.key}: ${words(d.status)}`,
      text: d.status === "done" ? `${d.key} ✓` : d.key,
      on: { click: (/** @type {Event} */ e) => (e.preventDefault(), showCard(board, d.key)) },
    }),
  ]);
  return h("p", { class: c.stuck ? "task-deps bad" : "task-deps" }, "← ", ...links.flat(), c.stuck ? " (stuck)" : "");
}

/** @param {BoardCard} c @param {string} id */
function sentBack(c, id) {
  const by = c.sent_back?.by === "receipt" ? "its receipt" : c.sent_back?.by;
  return h(
    "div",
    { class: "task-back", "data-testid": `board-sentback-${id}` },
    h("strong", { text: `Sent back by ${by}` }),
    h("ul", {}, ...(c.sent_back?.reasons ?? []).map((r) => h("li", { text: r }))),
  );
}

/** Brings a task's card into view and marks it a moment. @param {string} board @param {string} key */
function showCard(board, key) {
  const el = [.../** @type {NodeListOf<HTMLElement>} */ ($("boards-body").querySelectorAll(".task"))].find(
    (t) => t.dataset.key === key && t.closest(".board")?.getAttribute("data-board") === board,
  );
  if (!el) return;
  el.scrollIntoView({ block: "nearest", inline: "nearest" });
  el.focus({ preventScroll: true });
  el.classList.add("flash");
  setTimeout(() => el.classList.remove("flash"), 1500);
}
