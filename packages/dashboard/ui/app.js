// @ts-check
/* global document, location, fetch, EventSource, URLSearchParams, CSS, setTimeout */
// subagent-mcp dashboard page: renders the State JSON that /api/events streams, an agent's detail from
// /api/agent, and sends actions to /api/action after a confirmation. Plain DOM: every value from the
// server goes through textContent or attributes, never HTML, since agents' output is untrusted.
// The agent tree's timeline is timeline.js's.

import { timelineView } from "./timeline.js";

const token = new URLSearchParams(location.search).get("token") ?? "";
/** The page's elements by id; every id used here is in index.html. */
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** An input of the page by id. */
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id));
const api = (path, params = {}) => `/api/${path}?${new URLSearchParams({ token, ...params })}`;
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en");

/** @typedef {import("@subagent-mcp/contract").DashboardState} DashboardState */
/** @typedef {import("@subagent-mcp/contract").AgentDetail} AgentDetail */
/** @typedef {import("@subagent-mcp/contract").ActionReply} ActionReply */
/** @typedef {import("@subagent-mcp/contract").PollAgentResult} PollAgentResult */
/** @typedef {import("@subagent-mcp/contract").TranscriptResult} TranscriptResult */
/** @typedef {import("@subagent-mcp/contract").AgentRow} AgentRow */
/** @typedef {import("@subagent-mcp/contract").PastAgentView} PastAgentView */
/** @typedef {import("@subagent-mcp/contract").Replica} Replica */
/** @typedef {import("@subagent-mcp/contract").ServerView} ServerView */
/** @typedef {import("@subagent-mcp/contract").ListPoolResult} ListPoolResult */
/**
 * An agent row of the page: a live server's list_agents row (with the server's pid) or a past one's, by its id.
 * @typedef {Partial<Omit<AgentRow, "provider" | "status" | "alive" | "past">>
 *   & Partial<Omit<PastAgentView, "provider" | "status" | "alive" | "past">>
 *   & { id: string, provider?: string, status?: string, alive?: boolean, past?: boolean, server?: number, usage?: { input?: number, output?: number } }} PageAgent
 */

/** @type {DashboardState} */
let state;
/** @type {{ id: string, server?: number, past: boolean, before?: number } | undefined} */
let selected;
let lastSeen = new Map(); // agent id -> its row in the previous state
let uid = 0;

/** Makes an element: `text` sets textContent, `on` adds listeners, `class` the class, other keys attributes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") el.textContent = String(v);
    else if (k === "class") el.className = v;
    else if (k === "on") for (const [type, fn] of Object.entries(v)) el.addEventListener(type, fn);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

const usd = (n) => (typeof n !== "number" ? "—" : n > 0 && n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
const num = (n) => (typeof n === "number" ? whole.format(n) : "—");
// Statuses with a turn under way (core's isRunning): only those have something to interrupt.
const TURN_UNDER_WAY = new Set(["queued", "processing", "permission_requested", "stalled"]);
const tokens = (n) => (typeof n === "number" ? compact.format(n) : "—");
const words = (s) => String(s ?? "").replace(/_/g, " ");

/** A duration in seconds as "12 s", "5 min", "3 h 5 min" or "2 d 4 h". */
function dur(s) {
  if (typeof s !== "number" || !Number.isFinite(s)) return "—";
  s = Math.max(0, Math.round(s));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  const two = (a, ua, b, ub) => (b ? `${a} ${ua} ${b} ${ub}` : `${a} ${ua}`);
  if (s < 86400) return two(Math.floor(s / 3600), "h", Math.floor((s % 3600) / 60), "min");
  return two(Math.floor(s / 86400), "d", Math.floor((s % 86400) / 3600), "h");
}

// Times relative to the server's clock (generated_at), so a skewed browser clock does not matter.
function since(iso) {
  const t = Date.parse(iso);
  const ref = Date.parse(state?.generated_at ?? "") || Date.now();
  return Number.isNaN(t) ? undefined : (ref - t) / 1000;
}
const timeEl = (iso) => (iso ? h("time", { datetime: iso, title: new Date(iso).toLocaleString(), text: `${dur(since(iso))} ago` }) : "—");

const shortPath = (p) => {
  const root = state?.project ?? "";
  if (!p) return "—";
  if (p === root) return ".";
  return root && p.startsWith(`${root}/`) ? `./${p.slice(root.length + 1)}` : p;
};

/** Keyed list update: keeps existing elements (and their focus) and adds or removes the others. */
function reconcile(parent, items, key, make, update) {
  const old = new Map([...parent.children].map((el) => [el.dataset.key, el]));
  let prev = null;
  for (const item of items) {
    const k = key(item);
    let el = old.get(k);
    old.delete(k);
    if (!el) {
      el = make(item);
      el.dataset.key = k;
    }
    update?.(el, item);
    const want = prev ? prev.nextSibling : parent.firstChild;
    if (el !== want) parent.insertBefore(el, want);
    prev = el;
  }
  for (const el of old.values()) el.remove();
}

// ---------- connection ----------

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
  state = next;
  notice("");
  $("project").textContent = next.project ?? "";
  $("project").title = next.project ?? "";
  $("updated").textContent = next.generated_at ? `updated ${new Date(next.generated_at).toLocaleTimeString()}` : "";
  renderPermissions();
  renderAgents();
  renderPool();
  renderWorkers();
  renderMachines();
  renderMailboxes();
  renderUsage();
  followSelected();
  timeline.refresh();
  // A re-rendered control that had the focus gets it back.
  if (focused && (document.activeElement === document.body || !document.activeElement)) {
    /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="${CSS.escape(focused)}"]`))?.focus();
  }
}

/** @returns {PageAgent[]} */
function agents() {
  const seen = new Set();
  const out = [];
  const add = (a, extra) => {
    const id = a.agent_id ?? a.id;
    if (id === undefined || seen.has(id)) return;
    seen.add(id);
    out.push({ ...a, ...extra, id });
  };
  for (const s of state.servers ?? []) for (const a of s.agents ?? []) add(a, { server: s.pid });
  for (const a of state.past ?? []) add(a, { past: true });
  return out;
}

// ---------- permissions ----------

function renderPermissions() {
  const names = new Map(agents().map((a) => [a.id, a.label || a.id]));
  const items = [
    ...(state.permission_requests ?? []).map((p) => ({ ...p, rid: p.request_id, worker: undefined, name: names.get(p.agent_id) })),
    ...(state.worker_permissions ?? []).map((p) => ({ ...p, rid: p.id, kind: "worker" })),
  ];
  reconcile(
    $("permission-list"),
    items,
    (p) => p.rid,
    permissionItem,
    (li, p) => {
      const who = p.worker ? `worker ${p.worker} asks ${p.approver}` : `agent ${p.name ?? p.agent_id} · server ${p.server}`;
      li._p = p;
      li.querySelector(".who").textContent = who;
      const asked = p.askedAt ?? p.asked_at;
      li.querySelector(".when").replaceChildren(asked ? timeEl(asked) : "");
    },
  );
  $("permissions-empty").hidden = items.length > 0;
  $("nav-permissions").textContent = items.length ? String(items.length) : "";
  document.title = `${items.length ? `(${items.length}) ` : ""}subagent-mcp dashboard`;
}

function permissionItem(p) {
  const sid = `perm-${++uid}`;
  const button = (label, decision, testid) =>
    h("button", {
      type: "button",
      class: decision === "deny" ? "danger" : decision === "allow" ? "primary" : "",
      "data-testid": `${testid}-${p.rid}`,
      "aria-describedby": sid,
      text: label,
      on: { click: (e) => answer(e.target.closest("li")._p ?? p, decision) },
    });
  return h(
    "li",
    { "data-testid": `permission-${p.rid}`, class: "perm" },
    h("div", { class: "what" }, h("span", { class: "kind", text: p.kind }), h("code", { id: sid, text: p.summary })),
    h("p", { class: "meta" }, h("span", { class: "who" }), " ", h("span", { class: "when" })),
    h("div", { class: "row" }, button("Allow", "allow", "allow"), button("Allow always", "allow_always", "allow-always"), button("Deny…", "deny", "deny")),
  );
}

async function answer(p, decision) {
  let reason;
  if (decision === "deny") {
    const ok = await confirm({
      title: "Deny this request?",
      text: p.worker ? `Worker ${p.worker} asks:` : `Agent ${p.name ?? p.agent_id} asks:`,
      quote: p.summary,
      reason: true,
      yes: "Deny",
    });
    if (!ok) return;
    reason = ok.reason || undefined;
  }
  const body = p.worker
    ? { action: "worker_permission", id: p.rid, decision, reason }
    : { action: "permission", server: p.server, agent_id: p.agent_id, request_id: p.rid, decision, reason };
  const label = { allow: "Allow", allow_always: "Allow always", deny: "Deny" }[decision];
  await act(body, $("permissions-result"), `${label} ${p.summary}`);
}

// ---------- agents ----------

function renderAgents() {
  const list = agents();
  reconcile($("agent-rows"), list, (a) => a.id, agentRow, updateRow);
  $("agents-empty").hidden = list.length > 0;
  renderServers();
  filter();
}

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

function badge(status) {
  return h("span", { class: "badge", "data-status": status, text: words(status) });
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
    tree,
  ];
}

async function ask(a, action, verb, text) {
  const ok = await confirm({ title: `${verb} agent?`, text, yes: verb, danger: action === "kill" });
  if (!ok) return;
  const body = { action, agent_id: a.id, ...(a.server === undefined ? {} : { server: a.server }) };
  await act(body, $("agents-result"), `${verb} ${a.label || a.id}`);
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

// ---------- detail ----------

function select(id) {
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
function followSelected() {
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
  renderTranscript(body.transcript);
}

/**
 * @param {PageAgent} a
 * @param {PollAgentResult | null | undefined} poll
 */
function renderFacts(a, poll) {
  /** @type {Partial<PollAgentResult>} */
  const p = poll ?? {};
  const facts = [];
  const fact = (k, ...v) => facts.push(h("div", {}, h("dt", { text: k }), h("dd", {}, ...v)));
  const wide = (k, ...v) => facts.push(h("div", { class: "wide" }, h("dt", { text: k }), h("dd", {}, ...v)));
  fact("Status", badge(p.status ?? a.status));
  fact("ID", h("code", { text: a.id }));
  fact("Provider", `${p.provider ?? a.provider ?? "—"}${(p.model ?? a.model) ? ` · ${p.model ?? a.model}` : ""}`);
  fact("Server", a.past ? "past (journal)" : String(a.server ?? "—"));
  if (p.machine ?? a.machine) fact("Machine", p.machine ?? a.machine);
  fact("Turns", num(p.turns ?? a.turns));
  fact("Cost", usd(p.cost_usd ?? a.cost_usd));
  if (p.usage) fact("Tokens", `${tokens(p.usage.input)} in · ${tokens(p.usage.output)} out · ${tokens(p.usage.cache_read)} cached`);
  if (p.queued_messages) fact("Queued messages", num(p.queued_messages));
  if (a.why) fact("Ended", a.why);
  if (p.checking) fact("Checking", h("code", { text: p.checking }));
  // Each candidate left behind: a transient failover, or an escalation with the check it failed.
  if (p.failover?.length)
    wide(
      "Attempts",
      h(
        "ol",
        { class: "attempts" },
        ...p.failover.map((f) =>
          h(
            "li",
            {},
            h("code", { text: `${f.provider}/${f.model ?? "default"}` }),
            ` ${f.kind === "escalation" ? "escalated" : "failed over"}: ${f.reason}`,
            f.cost_usd === undefined ? "" : ` (${usd(f.cost_usd)})`,
            f.check ? h("pre", { class: "text", text: f.check.output_tail.split("\n").slice(-8).join("\n") }) : "",
          ),
        ),
      ),
    );
  const w = p.worktree ?? a.worktree;
  if (w)
    fact(
      "Worktree",
      h("code", { text: w.branch }),
      ` ${w.state}`,
      w.changed_files === undefined ? "" : ` · ${w.changed_files} changed, ${w.uncommitted ?? 0} uncommitted, ${w.ahead ?? 0} ahead`,
    );
  else fact("Directory", h("code", { text: shortPath(a.cwd) }));
  const b = p.budget;
  if (b) {
    const parts = [];
    const lim = b.limits ?? {};
    const sp = b.spent ?? {};
    if (lim.max_cost_usd) parts.push(meter(`${usd(sp.cost_usd)} of ${usd(lim.max_cost_usd)}`, sp.cost_usd, lim.max_cost_usd));
    if (lim.max_tokens) parts.push(meter(`${tokens(sp.tokens)} of ${tokens(lim.max_tokens)} tokens`, sp.tokens, lim.max_tokens));
    if (lim.max_turns) parts.push(meter(`${sp.turns} of ${lim.max_turns} turns`, sp.turns, lim.max_turns));
    if (lim.max_seconds) parts.push(meter(`${dur(sp.seconds)} of ${dur(lim.max_seconds)}`, sp.seconds, lim.max_seconds));
    if (b.exceeded) parts.push(h("small", { class: "bad", text: `exceeded: ${b.exceeded}` }));
    fact("Budget", ...parts);
  } else if (a.budget_note) fact("Budget", a.budget_note);
  $("detail-facts").replaceChildren(...facts);
}

function meter(text, value, max) {
  const pct = Math.min(100, Math.round(((value ?? 0) / max) * 100));
  const fill = h("span", { class: pct >= 100 ? "fill bad" : pct >= 80 ? "fill warn" : "fill" });
  fill.style.width = `${pct}%`;
  return h("span", { class: "meter" }, h("span", { text: `${text} (${pct} %)` }), h("span", { class: "track", "aria-hidden": "true" }, fill));
}

/** @param {TranscriptResult | null | undefined} t */
function renderTranscript(t) {
  const list = $("transcript");
  const sig = JSON.stringify(t ?? null);
  if (list.dataset.sig === sig) return;
  list.dataset.sig = sig;
  const open = new Set([...list.querySelectorAll("details[open]")].map((d) => /** @type {HTMLElement} */ (d).dataset.turn));
  const turns = t?.turns ?? [];
  const items = [
    ...turns.map((x) => ({ at: x.at, el: () => turnItem(x, open) })),
    ...(t?.resumes ?? []).map((r) => ({ at: r.at, el: () => h("li", { class: "resume", text: `Resumed ${new Date(r.at).toLocaleString()}: ${r.reason}` }) })),
  ].sort((x, y) => String(x.at).localeCompare(String(y.at)));
  list.replaceChildren(...items.map((i) => i.el()));
  const notes = [];
  if (!turns.length) notes.push("No turns yet.");
  if (t?.next_turn) notes.push(`Showing turns up to ${t.next_turn - 1} of ${t.total_turns}.`);
  if (t?.earlier_turn || selected?.before) notes.push(`Showing turns ${turns[0]?.turn ?? "—"}–${turns.at(-1)?.turn ?? "—"} of ${t?.total_turns ?? "—"}.`);
  if (t?.skipped_lines) notes.push(`${t.skipped_lines} journal line(s) could not be read.`);
  const page = (label, testid, before) =>
    h("button", {
      type: "button",
      "data-testid": testid,
      text: label,
      on: {
        click: () => {
          if (!selected) return;
          selected.before = before;
          load();
        },
      },
    });
  const buttons = [];
  if (t?.earlier_turn) buttons.push(" ", page("Earlier turns", "transcript-earlier", t.earlier_turn));
  if (selected?.before) buttons.push(" ", page("Newest turns", "transcript-newest", undefined));
  $("transcript-note").replaceChildren(notes.join(" "), ...buttons);
}

function turnItem(t, open) {
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
  );
}

// ---------- timeline (timeline.js) ----------

const timeline = timelineView({ $, api, agents, h, changed, badge, usd, dur, tokens });

// ---------- pool, workers, mailboxes, usage ----------

function changed(el, value) {
  const sig = JSON.stringify(value);
  if (el.dataset.sig === sig) return false;
  el.dataset.sig = sig;
  return true;
}

function table(headers, rows, caption) {
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      {},
      caption ? h("caption", { class: "sr-only", text: caption }) : "",
      h("thead", {}, h("tr", {}, ...headers.map(([t, c]) => h("th", { scope: "col", class: c, text: t })))),
      h("tbody", {}, ...rows),
    ),
  );
}

const empty = (text) => h("p", { class: "empty", text });

function renderPool() {
  const all = state.servers ?? [];
  const servers = all.filter(
    /** @returns {s is ServerView & { pool: ListPoolResult }} */
    (s) => !!(s.pool && (s.pool.agents?.length || s.pool.problems?.length)),
  );
  const body = $("pool-body");
  if (
    !changed(
      body,
      servers.map((s) => [s.pid, s.pool]),
    )
  )
    return;
  if (!servers.length) return body.replaceChildren(empty("No pool agents defined."));
  body.replaceChildren(
    ...servers.map((s) =>
      h(
        "div",
        { class: "pool" },
        all.length > 1 ? h("h3", { text: `Server ${s.pid}` }) : "",
        table(
          [["Agent"], ["Provider / model"], ["Isolation"], ["Replicas", "num"], ["Replica processes"]],
          (s.pool.agents ?? []).map((d) =>
            h(
              "tr",
              {},
              h("td", {}, h("strong", { text: d.agent }), d.description ? h("small", { text: d.description }) : ""),
              h("td", {}, d.provider, d.model ? h("small", { text: d.model }) : ""),
              h("td", { text: d.isolation ?? "none" }),
              h("td", { class: "num", text: `${d.replicas?.length ?? 0} / ${d.max_replicas}` }),
              h(
                "td",
                {},
                d.replicas?.length ? h("ul", { class: "replicas" }, ...d.replicas.map(replicaItem)) : h("span", { class: "muted", text: "none warm" }),
              ),
            ),
          ),
          `Pool agents of server ${s.pid}`,
        ),
        s.pool.problems?.length ? h("ul", { class: "problems", "aria-label": "Definition problems" }, ...s.pool.problems.map((p) => h("li", { text: p }))) : "",
      ),
    ),
  );
}

/** @param {Replica} r */
function replicaItem(r) {
  const bits = [`#${r.replica}`];
  if (r.pid) bits.push(`pid ${r.pid}`);
  bits.push(r.busy ? "busy" : "idle", `${r.turns_served} task${r.turns_served === 1 ? "" : "s"}`);
  if (typeof r.rss_mb === "number") bits.push(`${Math.round(r.rss_mb)} MB`);
  return h("li", {}, r.status ? badge(r.status) : "", ` ${bits.join(" · ")}`, r.worktree ? h("code", { text: ` ${r.worktree.branch}` }) : "");
}

function renderWorkers() {
  const ws = state.workers ?? [];
  $("workers-body").replaceChildren(
    ws.length
      ? table(
          [["Name"], ["Host"], ["PID", "num"], ["Provider / model"], ["Started"], ["Last turn"], ["Heartbeat"]],
          ws.map((w) =>
            h(
              "tr",
              {},
              h("td", {}, h("strong", { text: w.name })),
              h("td", { text: w.host }),
              h("td", { class: "num", text: String(w.pid) }),
              h("td", {}, w.provider ?? "—", w.model ? h("small", { text: w.model }) : ""),
              ...[w.started_at, w.last_turn_at, w.heartbeat_at].map((t) => h("td", {}, timeEl(t))),
            ),
          ),
          "Live workers on every machine",
        )
      : empty("No worker is running."),
  );
}

// The fleet's live machines; the section shows only where a fleet is configured.
function renderMachines() {
  const ms = state.machines;
  $("machines").hidden = ms === undefined;
  $("nav-machines-item").hidden = ms === undefined;
  if (ms === undefined) return;
  $("machines-body").replaceChildren(
    ms.length
      ? table(
          [["Name"], ["Host"], ["Load", "num"], ["Providers (free / cap)"], ["Labels"], ["Heartbeat", "num"]],
          ms.map((m) =>
            h(
              "tr",
              { "data-testid": `machine-${m.name}` },
              h("td", {}, h("strong", { text: m.name })),
              h("td", { text: m.host }),
              h("td", { class: "num", text: String(m.load) }),
              h(
                "td",
                {},
                ...m.providers.map((p) => h("span", { class: "chip", title: `${p.provider} ${p.version}`, text: `${p.provider} ${p.free}/${p.cap}` })),
              ),
              h("td", { text: m.labels.join(", ") || "—" }),
              h("td", { class: "num", text: `${m.seconds_since_heartbeat} s ago` }),
            ),
          ),
          "Live machines of the fleet: subagent-mcp node on each",
        )
      : empty("No live machine: start subagent-mcp node on each machine that lends its CLIs."),
  );
}

function renderMailboxes() {
  const ms = state.mailboxes ?? [];
  const body = $("mailboxes-body");
  if (!changed(body, ms)) return;
  body.replaceChildren(
    ms.length
      ? table(
          [["Mailbox"], ["Waiting", "num"], ["Claimed", "num"], ["Dead letters", "num"]],
          ms.map((m) =>
            h(
              "tr",
              {},
              h("td", {}, h("code", { text: m.name })),
              h("td", { class: "num", text: num(m.waiting) }),
              h("td", { class: "num", text: num(m.claimed) }),
              h("td", { class: m.dead ? "num bad" : "num", text: num(m.dead) }),
            ),
          ),
          "Messages per mailbox: waiting, claimed by a reader, dead letters",
        )
      : empty("No mailbox."),
  );
}

function renderUsage() {
  const u = state.usage ?? {};
  const body = $("usage-body");
  if (!changed(body, u)) return;
  const days = [...(u.days ?? [])].sort((a, b) => b.day.localeCompare(a.day) || a.provider.localeCompare(b.provider));
  if (!days.length) return body.replaceChildren(empty("No usage recorded."));
  const max = Math.max(0, ...days.map((d) => d.cost_usd ?? 0));
  const rows = days.map((d) => {
    const fill = h("span", { class: "fill" });
    fill.style.width = `${max ? Math.round(((d.cost_usd ?? 0) / max) * 100) : 0}%`;
    return h(
      "tr",
      {},
      h("td", { text: d.day }),
      h("td", { text: d.provider }),
      h("td", { class: "num", text: num(d.turns) }),
      h("td", { class: "num", text: tokens(d.input_tokens), title: num(d.input_tokens) }),
      h("td", { class: "num", text: tokens(d.output_tokens), title: num(d.output_tokens) }),
      h("td", { class: "num cost" }, usd(d.cost_usd), h("span", { class: "track", "aria-hidden": "true" }, fill)),
    );
  });
  const total = h("tr", { class: "total" }, h("th", { scope: "row", colspan: 5, text: "Total" }), h("td", { class: "num", text: usd(u.total_cost_usd) }));
  body.replaceChildren(
    table(
      [["Day"], ["Provider"], ["Turns", "num"], ["Input tokens", "num"], ["Output tokens", "num"], ["Cost", "num"]],
      [...rows, total],
      "Turns, tokens and cost per day and provider",
    ),
  );
}

// ---------- actions ----------

/**
 * Asks in the dialog; resolves to false, or to { reason } when confirmed.
 * @param {{ title: string, text: string, quote?: string, reason?: boolean, yes?: string, danger?: boolean }} ask
 * @returns {Promise<false | { reason: string }>}
 */
function confirm({ title, text, quote, reason = false, yes = "Confirm", danger = false }) {
  const dlg = /** @type {HTMLDialogElement} */ ($("confirm"));
  $("confirm-h").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-quote").hidden = !quote;
  $("confirm-quote").textContent = quote ?? "";
  $("confirm-reason-box").hidden = !reason;
  input("confirm-reason").value = "";
  $("confirm-yes").textContent = yes;
  $("confirm-yes").className = danger || yes === "Deny" ? "danger" : "primary";
  const opener = document.activeElement;
  dlg.returnValue = "";
  dlg.showModal();
  return new Promise((resolve) => {
    dlg.addEventListener(
      "close",
      () => {
        if (opener?.isConnected) /** @type {HTMLElement} */ (opener).focus();
        resolve(dlg.returnValue === "yes" ? { reason: input("confirm-reason").value.trim() } : false);
      },
      { once: true },
    );
  });
}

async function act(body, out, what) {
  out.className = "result";
  out.textContent = `${what}…`;
  try {
    const r = await fetch(api("action"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    /** @type {ActionReply} */
    const res = await r.json().catch(() => ({ ok: false, error: { code: `HTTP_${r.status}`, message: r.statusText } }));
    if (res.ok) {
      const st = res.result?.status;
      out.className = "result ok";
      out.textContent = `${what}: done${st ? ` (now ${words(st)})` : ""}.`;
      return true;
    }
    out.className = "result err";
    out.textContent = `${what} failed: ${res.error?.code ?? "ERROR"}: ${res.error?.message ?? "no reason given"}`;
  } catch (error) {
    out.className = "result err";
    out.textContent = `${what} failed: ${/** @type {Error} */ (error).message}`;
  }
  return false;
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
$("filter").addEventListener("input", filter);

if (token) connect();
else {
  setConnection("no token");
  notice("This page needs its token: open the address that `subagent-mcp dashboard` printed.");
}
