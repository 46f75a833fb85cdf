// @ts-check
/* global fetch */
// The past agents beyond the newest page the state holds: "Show more" reads the next page from
// /api/past (its cursor), and each new state reads the pages shown again, so that they stay as
// current as the state (an agent resumed meanwhile leaves them, one ended joins the state's page).

import { $, api } from "./dom.js";
import { state } from "./state.js";

/** @typedef {import("@subagent-mcp/contract").PastAgentView} PastAgentView */
/** @typedef {import("@subagent-mcp/contract").PastPage} PastPage */

/** Past agents a "Show more" adds. */
const PAGE = 50;

/** The past agents shown after the state's own, newest first. @type {PastAgentView[]} */
export let morePast = [];
/** @type {string | undefined} */
let nextCursor;
// Answers to an older request than the last one are dropped.
let asked = 0;

/** @returns {Promise<PastPage>} */
async function read(cursor, limit) {
  const r = await fetch(api("past", { cursor, limit: String(limit) }));
  if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
  return r.json();
}

// The cursor of the page after those shown; undefined: none follows.
const cursorAfter = () => (morePast.length > 0 ? nextCursor : state.past_next_cursor);

/** Shows the "Show more" button and how many past agents are shown, of how many. */
export function renderMore() {
  const total = state.past_total ?? state.past.length;
  const shown = state.past.length + morePast.length;
  $("past-more-bar").hidden = total === 0;
  $("past-more").hidden = cursorAfter() === undefined;
  $("past-count").textContent = `${shown} of ${total} past agents shown`;
}

/** Reads `limit` past agents after `cursor` into the rows, then `render`s; a failure is said in the agents' result line. */
async function load(cursor, limit, keep, render) {
  const me = ++asked;
  try {
    const page = await read(cursor, limit);
    if (me !== asked) return;
    morePast = [...keep, ...page.past];
    nextCursor = page.next_cursor;
    render();
  } catch (error) {
    if (me !== asked) return;
    $("agents-result").className = "result err";
    $("agents-result").textContent = `Past agents could not be read: ${/** @type {Error} */ (error).message}`;
  }
}

/** A new state: the pages shown after its own are read again (none: nothing to do). */
export function refreshMore(render) {
  if (morePast.length === 0) return;
  const cursor = state.past_next_cursor;
  if (cursor === undefined) {
    morePast = [];
    render();
    return;
  }
  void load(cursor, morePast.length, [], render);
}

/** Wires the "Show more" button to read the next page and `render`. */
export function wireMore(render) {
  $("past-more").addEventListener("click", () => {
    const cursor = cursorAfter();
    if (cursor !== undefined) void load(cursor, PAGE, morePast, render);
  });
}
