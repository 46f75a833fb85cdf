// @ts-check
/* global document, EventSource, CSS, setTimeout */
// subagent-mcp dashboard page: renders the State JSON that /api/events streams, an agent's detail from
// /api/agent, and sends actions to /api/action after a confirmation. Plain DOM: every value from the
// server goes through textContent or attributes, never HTML, since agents' output is untrusted.
// This module connects and hands each state to the sections, one module each: permissions.js,
// agents.js (and its timeline, timeline.js), detail.js (facts.js, transcript.js), boards.js and sections.js;
// dom.js and state.js are what they share, actions.js the confirmation and /api/action.

import { renderAgents, timeline } from "./agents.js";
import { renderBoards } from "./boards.js";
import { followSelected } from "./detail.js";
import { $, api, token } from "./dom.js";
import { renderPermissions } from "./permissions.js";
import { renderCaps, renderMachines, renderMailboxes, renderPool, renderQuota, renderUsage, renderWorkers } from "./sections.js";
import { setState } from "./state.js";

/** @typedef {import("@subagent-mcp/contract").DashboardState} DashboardState */

let retry = 1000;
function connect() {
  const es = new EventSource(api("events"));
  es.addEventListener("open", () => {
    retry = 1000;
    setConnection("live");
  });
  es.addEventListener("state", (e) => {
    try {
      apply(JSON.parse(e.data));
    } catch (error) {
      notice(`Could not read the state: ${/** @type {Error} */ (error).message}`);
    }
  });
  es.addEventListener("error", () => {
    setConnection("reconnecting");
    // The browser retries by itself unless the server refused the stream; then we start again, slower.
    if (es.readyState === EventSource.CLOSED) {
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    }
  });
}

function setConnection(text) {
  $("connection").textContent = text;
  /** @type {HTMLElement} */ ($("connection").parentElement).dataset.state = text;
}

function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

// ---------- state ----------

/** @param {DashboardState} next */
function apply(next) {
  const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.testid;
  setState(next);
  notice("");
  $("project").textContent = next.project ?? "";
  $("project").title = next.project ?? "";
  $("updated").textContent = next.generated_at ? `updated ${new Date(next.generated_at).toLocaleTimeString()}` : "";
  renderPermissions();
  renderAgents();
  renderBoards();
  renderPool();
  renderWorkers();
  renderMachines();
  renderMailboxes();
  renderUsage();
  renderQuota();
  renderCaps();
  followSelected();
  timeline.refresh();
  // A re-rendered control that had the focus gets it back.
  if (focused && (document.activeElement === document.body || !document.activeElement)) {
    /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="${CSS.escape(focused)}"]`))?.focus();
  }
}

if (token) connect();
else {
  setConnection("no token");
  notice("This page needs its token: open the address that `subagent-mcp dashboard` printed.");
}
