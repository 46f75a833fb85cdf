// @ts-check
/* global document */
// The dashboard page's permission requests: the sub-agents' and the workers' waiting requests, each
// with Allow, Allow always and Deny (a reason told to the agent).

import { act, confirm } from "./actions.js";
import { $, h, reconcile } from "./dom.js";
import { agents, state, timeEl } from "./state.js";

let uid = 0;

export function renderPermissions() {
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
