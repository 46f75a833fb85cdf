// @ts-check
// The dashboard page's agents: one row per agent of every server of the project, then the past ones,
// with their actions (interrupt, kill, resume, the timeline of their tree), the servers above them and
// the filter. Selecting a row opens its detail (detail.js).

import { act, confirm } from "./actions.js";
import { select, selected } from "./detail.js";
import { $, api, badge, changed, dur, h, input, num, reconcile, tokens, usd } from "./dom.js";
import { agents, shortPath, since, state, timeEl } from "./state.js";
import { receiptHead } from "./receipt.js";
import { refreshMore, renderMore, wireMore } from "./past-pages.js";
import { timelineView } from "./timeline.js";

// Statuses with a turn under way (core's isRunning): only those have something to interrupt.
const TURN_UNDER_WAY = new Set(["queued", "processing", "permission_requested", "stalled"]);

/** The timeline section (timeline.js), opened from a row or the section's own button. */
export const timeline = timelineView({ $, api, agents, h, changed, badge, usd, dur, tokens, receiptHead });

// Stop all: every agent of every server of the project, and what each started, after a confirmation.
$("stop-all").addEventListener("click", async () => {
  const text = "Stop every agent of every server of this project, and every agent they started? Each is journaled as stopped by you and can be resumed.";
  if (await confirm({ title: "Stop all agents?", text, yes: "Stop all", danger: true })) await act({ action: "stop_all" }, $("agents-result"), "Stop all");
});

/** A new state: its rows, and the pages of past agents shown beyond its own read again. */
export function renderAgents() {
  showAgents();
  refreshMore(showAgents);
}

function showAgents() {
  const list = agents();
  reconcile($("agent-rows"), list, (a) => a.id, agentRow, updateRow);
  $("agents-empty").hidden = list.length > 0;
  renderServers();
  renderMore();
  filter();
}

wireMore(showAgents);

function agentRow(a) {
  const tr = h("tr", {
    tabindex: 0,
    "data-testid": `agent-row-${a.id}`,
    on: {
      click: (e) => e.target.closest("button") || select(tr.dataset.key),
      keydown: (e) => {
        if (e.target === tr && (e.key === "Enter" || e.key === " ")) {
          e.preventDefault();
          select(tr.dataset.key);
        }
      },
    },
  });
  return tr;
}

function updateRow(tr, a) {
  tr.dataset.status = a.status;
  if (selected?.id === a.id) tr.setAttribute("aria-current", "true");
  else tr.removeAttribute("aria-current");
  tr.dataset.search = [a.id, a.label, a.provider, a.model, a.status, a.cwd, a.worktree?.branch, a.why, a.server, a.machine]
    .filter((x) => x !== undefined)
    .join(" ")
    .toLowerCase();
  const sig = JSON.stringify({ ...a, idle_seconds: undefined, last_at: undefined });
  if (tr._sig !== sig) {
    tr._sig = sig;
    tr.replaceChildren(...rowCells(a));
  }
  const idle = tr.querySelector(".idle .c");
  if (idle) idle.textContent = a.past ? (a.last_at ? `${dur(since(a.last_at))} ago` : "—") : dur(a.idle_seconds);
}

function rowCells(a) {
  const cell = (label, cls, ...kids) => h("td", { "data-label": label, class: cls }, h("div", { class: "c" }, ...kids));
  const tok = a.usage ? (a.usage.input ?? 0) + (a.usage.output ?? 0) : a.tokens;
  const place = a.worktree
    ? h("span", {}, h("code", { text: a.worktree.branch }), h("small", { text: ` ${a.worktree.state}` }))
    : h("code", { text: shortPath(a.cwd), title: a.cwd });
  const where = a.machine ? h("span", {}, h("span", { class: "chip", text: a.machine, title: "the machine of the fleet it runs on" }), " ", place) : place;
  return [
    cell("Agent", "name", h("span", { class: "label", text: a.label || a.id }), a.label ? h("small", { class: "id", text: a.id }) : undefined),
    cell("Status", "", badge(a.status), a.why ? h("small", { class: "why", text: a.why }) : undefined),
    cell("Provider", "", h("span", { text: a.provider }), a.model ? h("small", { text: a.model }) : undefined),
    cell("Where", "where", where),
    cell("Turns", "num", num(a.turns)),
    cell("Tokens", "num", tokens(tok)),
    cell(
      "Cost",
      "num",
      usd(a.cost_usd),
      a.budget_note ? h("small", { class: a.budget_note.startsWith("exceeded") ? "bad" : "warn", text: a.budget_note }) : undefined,
    ),
    cell(a.past ? "Ended" : "Idle", "num idle"),
    cell("Actions", "actions", ...rowActions(a)),
  ];
}
function rowActions(a) {
  const name = a.label || a.id;
  const b = (text, testid, cls, run) =>
    h("button", {
      type: "button",
      class: cls,
      "data-testid": `${testid}-${a.id}`,
      "aria-label": `${text} ${name}`,
      text,
      on: { click: run },
    });
  const tree = b("Timeline", "timeline", "quiet", () => timeline.open(a.id));
  if (a.past) return [b("Resume", "resume", "", () => ask(a, "resume", "Resume", `Resume ${name}? It continues in a live server of this project.`)), tree];
  return [
    a.alive !== false && TURN_UNDER_WAY.has(a.status)
      ? b("Interrupt", "interrupt", "", () => ask(a, "interrupt", "Interrupt", `Interrupt ${name}? Its current turn stops; the session stays open.`))
      : undefined,
    b("Kill", "kill", "danger", () => ask(a, "kill", "Kill", `Kill ${name}? Its process ends and it takes no more messages.`)),
    b("Stop tree", "stop-tree", "danger", () =>
      ask(a, "stop_tree", "Stop", `Stop ${name} and every agent it started? Each is journaled as stopped by you and can be resumed.`),
    ),
    tree,
  ];
}

async function ask(a, action, verb, text) {
  const ok = await confirm({ title: `${verb} agent?`, text, yes: verb, danger: action === "kill" || action === "stop_tree" });
  if (!ok) return;
  const body = { action, agent_id: a.id, ...(a.server === undefined ? {} : { server: a.server }) };
  await act(body, $("agents-result"), `${verb} ${a.label || a.id}`);
}

// Which OS sandbox its agents' CLIs run in; none is said plainly: then only rules keep the secrets.
function sandboxNote(sandbox) {
  if (!sandbox) return "";
  if (sandbox.kind === "none") return h("span", { class: "bad", text: ` · no OS sandbox: secrets protected by rules only (${sandbox.reason ?? "unknown"})` });
  return h("span", { class: "muted", title: sandbox.reason ?? sandbox.executable ?? "", text: ` · agents sandboxed (${sandbox.kind})` });
}

function renderServers() {
  const servers = state.servers ?? [];
  $("servers").replaceChildren(
    ...servers.map((s) =>
      h(
        "li",
        { class: s.reachable === false ? "down" : "" },
        h("strong", { text: `Server ${s.pid}` }),
        ` · v${s.version ?? "?"} · started `,
        timeEl(s.started_at),
        s.session ? h("span", { class: "muted", text: ` · session ${String(s.session).slice(0, 8)}` }) : "",
        sandboxNote(s.sandbox),
        s.reachable === false ? h("span", { class: "bad", text: ` · unreachable: ${s.error ?? "no answer"}` }) : "",
      ),
    ),
  );
  if (!servers.length) $("servers").append(h("li", { class: "muted", text: "No server of this project is running." }));
}

function filter() {
  const q = input("filter").value.trim().toLowerCase();
  const rows = /** @type {HTMLElement[]} */ ([...$("agent-rows").children]);
  let shown = 0;
  for (const tr of rows) {
    tr.hidden = q !== "" && !(tr.dataset.search ?? "").includes(q);
    if (!tr.hidden) shown++;
  }
  $("nav-agents").textContent = rows.length ? String(rows.length) : "";
  $("agents-empty").hidden = rows.length > 0 && shown > 0;
  $("agents-empty").textContent = rows.length ? "No agent matches the filter." : "No agents yet.";
}

$("filter").addEventListener("input", filter);
