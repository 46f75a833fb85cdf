// @ts-check
// The state the dashboard page shows (the last one /api/events sent) and what is read from it by every
// section: the agents of all servers and the past ones, times against the server's clock, paths
// against the project.

import { dur, h } from "./dom.js";
import { morePast } from "./past-pages.js";

/** @typedef {import("@subagent-mcp/contract").DashboardState} DashboardState */
/** @typedef {import("@subagent-mcp/contract").AgentRow} AgentRow */
/** @typedef {import("@subagent-mcp/contract").PastAgentView} PastAgentView */
/**
 * An agent row of the page: a live server's list_agents row (with the server's pid) or a past one's, by its id.
 * @typedef {Partial<Omit<AgentRow, "provider" | "status" | "alive" | "past">>
 *   & Partial<Omit<PastAgentView, "provider" | "status" | "alive" | "past">>
 *   & { id: string, provider?: string, status?: string, alive?: boolean, past?: boolean, server?: number, usage?: { input?: number, output?: number } }} PageAgent
 */

/** @type {DashboardState} */
export let state;

/** @param {DashboardState} next */
export function setState(next) {
  state = next;
}

/** @returns {PageAgent[]} */
export function agents() {
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
  // The pages of past agents asked for beyond the state's (past-pages.js).
  for (const a of morePast) add(a, { past: true });
  return out;
}

// Times relative to the server's clock (generated_at), so a skewed browser clock does not matter.
export function since(iso) {
  const t = Date.parse(iso);
  const ref = Date.parse(state?.generated_at ?? "") || Date.now();
  return Number.isNaN(t) ? undefined : (ref - t) / 1000;
}
export const timeEl = (iso) => (iso ? h("time", { datetime: iso, title: new Date(iso).toLocaleString(), text: `${dur(since(iso))} ago` }) : "—");

export const shortPath = (p) => {
  const root = state?.project ?? "";
  if (!p) return "—";
  if (p === root) return ".";
  return root && p.startsWith(`${root}/`) ? `./${p.slice(root.length + 1)}` : p;
};
