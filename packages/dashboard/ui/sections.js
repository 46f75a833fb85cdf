// @ts-check
// The dashboard page's other sections, each drawn whole from the state: the pool's agents and warm
// replicas, the live workers, the fleet's machines, the mailboxes, the usage per day and provider, the
// subscription windows and the spend caps.

import { $, badge, changed, empty, h, num, table, tokens, usd } from "./dom.js";
import { state, timeEl } from "./state.js";

/** @typedef {import("@subagent-mcp/contract").Replica} Replica */
/** @typedef {import("@subagent-mcp/contract").ServerView} ServerView */
/** @typedef {import("@subagent-mcp/contract").ListPoolResult} ListPoolResult */

export function renderPool() {
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

export function renderWorkers() {
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
export function renderMachines() {
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

export function renderMailboxes() {
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

export function renderUsage() {
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

// Each provider's subscription windows as its CLIs last reported them, with their reset times.
export function renderQuota() {
  const windows = state.quota ?? [];
  const body = $("quota-body");
  if (!changed(body, windows)) return;
  if (!windows.length) return body.replaceChildren(empty("No subscription window reported."));
  const rows = windows.map((w) =>
    h(
      "tr",
      {},
      h("td", { text: w.provider }),
      h("td", { text: w.window }),
      h("td", { class: "num", text: w.used_percent === undefined ? w.status : `${w.used_percent} % (${w.status})` }),
      h("td", { text: w.resets_at ?? "not reported" }),
    ),
  );
  body.replaceChildren(table([["Provider"], ["Window"], ["Used", "num"], ["Resets"]], rows, "Subscription windows per provider: used and reset time"));
}

// Each spend cap's spent / cap and what is left this UTC day or ISO week, with its reset; a reached one marked;
// then the spend ledger's lines it does not count (not ours, or cut).
export function renderCaps() {
  const caps = state.caps ?? [];
  const problems = state.cap_problems ?? [];
  const body = $("caps-body");
  if (!changed(body, { caps, problems })) return;
  const notCounted = problems.length
    ? h(
        "ul",
        { class: "problems", "aria-label": "Spend ledger lines not counted", "data-testid": "cap-problems" },
        ...problems.map((p) => h("li", { text: p })),
      )
    : "";
  if (!caps.length) return body.replaceChildren(empty("No spend cap set (config spend_caps)."), notCounted);
  const rows = caps.map((c) => {
    const amount = c.limit.endsWith("_usd") ? usd : num;
    return h(
      "tr",
      { class: c.reached ? "bad" : "", "data-testid": `cap-${c.cap}-${c.limit}`, "data-reached": String(c.reached) },
      h("td", { text: c.cap }),
      h("td", { text: c.limit }),
      h("td", { class: "num", text: `${amount(c.spent)} / ${amount(c.of)}${c.reserved ? ` (${amount(c.reserved)} under way)` : ""}` }),
      h("td", { class: "num", text: c.reached ? `${amount(c.left)} (reached)` : amount(c.left) }),
      h("td", { text: c.resets_at }),
      h("td", { class: "num", text: num(c.unknown_cost_turns ?? 0) }),
    );
  });
  body.replaceChildren(
    table(
      [["Cap"], ["Limit"], ["Spent / cap", "num"], ["Left", "num"], ["Resets"], ["Turns of unknown cost", "num"]],
      rows,
      "Spend caps over every server and worker: spent, cap, left and reset time",
    ),
    notCounted,
  );
}
