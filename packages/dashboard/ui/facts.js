// @ts-check
// The facts of the dashboard page's agent detail: status, provider, server or machine, turns, cost and
// tokens, the candidates it left (failover, escalation), its worktree or directory, and its budget as
// meters.

import { $, badge, dur, h, num, tokens, usd } from "./dom.js";
import { shortPath } from "./state.js";

/** @typedef {import("@subagent-mcp/contract").PollAgentResult} PollAgentResult */
/** @typedef {import("./state.js").PageAgent} PageAgent */

/**
 * @param {PageAgent} a
 * @param {PollAgentResult | null | undefined} poll
 */
export function renderFacts(a, poll) {
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
  // The MCP servers it was handed, by name (their env and headers are never shown), and those that did not start.
  if (p.mcp_servers?.length) {
    const failed = new Map((p.mcp_failed ?? []).map((f) => [f.server, f.error]));
    fact(
      "MCP servers",
      ...p.mcp_servers.map((name, i) =>
        h(
          "span",
          { class: failed.has(name) ? "suspect" : "" },
          i === 0 ? "" : ", ",
          h("code", { text: name }),
          failed.has(name) ? ` (did not start: ${failed.get(name)})` : "",
        ),
      ),
    );
  }
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
