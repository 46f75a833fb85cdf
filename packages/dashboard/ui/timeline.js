// @ts-check
/* global document, window, fetch, setTimeout */
// The dashboard page's timeline: an agent tree from /api/timeline (or the project's recent agents),
// each agent a row under the one that launched it, its turns, permission waits and budget stops drawn
// on one time axis, each with a tooltip. A module of its own beside app.js, which hands it the page's
// helpers (timelineView) so the two share one way of making elements and writing numbers.

/** @typedef {import("@subagent-mcp/contract").Timeline} Timeline */
/** @typedef {import("@subagent-mcp/contract").TimelineRow} TimelineRow */
/** @typedef {import("@subagent-mcp/contract").TimelineTurn} TimelineTurn */

/**
 * What the timeline uses of the page: its elements and API, its element and number helpers (app.js's own).
 * @typedef {object} TimelinePage
 * @property {(id: string) => HTMLElement} $ The page's element by id.
 * @property {(path: string, params?: Record<string, string>) => string} api An /api/ URL, the token included.
 * @property {() => { id: string, label?: string }[]} agents The agents the page lists.
 * @property {(tag: string, attrs?: Record<string, unknown>, ...children: unknown[]) => HTMLElement} h Makes an element.
 * @property {(el: HTMLElement, value: unknown) => boolean} changed Whether `el` last showed another `value` (noting this one).
 * @property {(status: string) => HTMLElement} badge An agent status as a badge.
 * @property {(n: unknown) => string} usd A cost in dollars.
 * @property {(s: unknown) => string} dur A duration in seconds, in words.
 * @property {(n: unknown) => string} tokens A token count, compact.
 * @property {(line: string, testid: string) => HTMLElement} receiptHead A turn's receipt line, a SUSPECT one marked (receipt.js).
 */

/**
 * The timeline section, once wired to its buttons.
 * @typedef {object} TimelineView
 * @property {(root: string | undefined) => void} open Shows the tree of `root` (undefined: the project's recent agents).
 * @property {() => void} refresh Reads it again if it is open: the state changed, so the tree may have.
 */

/**
 * Wires the timeline section of the page (index.html's #timeline) and its buttons.
 * @param {TimelinePage} page
 * @returns {TimelineView}
 */
export function timelineView(page) {
  const { $, api, agents, h, changed, badge, usd, dur, tokens, receiptHead } = page;

  /** The open timeline and its root (none: the project's recent agents); undefined while closed. */
  /** @type {{ root?: string } | undefined} */
  let timeline;
  let timelineLoading = false;
  let timelineAgain = false;

  /** @param {string | undefined} root */
  function openTimeline(root) {
    timeline = root === undefined ? {} : { root };
    const a = root === undefined ? undefined : agents().find((x) => x.id === root);
    $("timeline-h").textContent = root === undefined ? "Timeline of recent agents" : `Timeline of ${a?.label || root}`;
    $("timeline").hidden = false;
    $("timeline-body").replaceChildren();
    $("timeline-body").dataset.sig = "";
    $("timeline-note").textContent = "Loading…";
    hideTip();
    loadTimeline();
    $("timeline-h").focus({ preventScroll: true });
    $("timeline").scrollIntoView({ block: "start" });
  }

  // While it is open, every change of the state may have moved the tree: read it again (one request at a time).
  async function loadTimeline() {
    const want = timeline;
    if (!want) return;
    if (timelineLoading) {
      timelineAgain = true;
      return;
    }
    timelineLoading = true;
    try {
      const r = await fetch(api("timeline", want.root === undefined ? {} : { root: want.root }));
      const body = await r.json().catch(() => ({}));
      if (timeline !== want) return;
      if (!r.ok || body.ok === false) $("timeline-note").textContent = `Could not load: ${body.error?.message ?? r.statusText}`;
      else renderTimeline(body);
    } catch (error) {
      $("timeline-note").textContent = `Could not load: ${/** @type {Error} */ (error).message}`;
    } finally {
      timelineLoading = false;
      if (timelineAgain) {
        timelineAgain = false;
        setTimeout(loadTimeline, 300);
      }
    }
  }

  /** A span of milliseconds: "850 ms" under a second, else as {@link dur} says it. */
  const ms = (n) => (typeof n !== "number" ? "—" : n < 1000 ? `${Math.round(n)} ms` : dur(n / 1000));
  const clock = (t) => new Date(t).toLocaleTimeString();

  /** @param {Timeline} t */
  function renderTimeline(t) {
    const body = $("timeline-body");
    const rows = t.rows ?? [];
    const live = rows.some((r) => r.live);
    // The server's clock moves only what is live: a finished tree is drawn once.
    if (!changed(body, { root: t.root, rows, now: live ? t.generated_at : "" })) return;
    hideTip();
    const now = Date.parse(t.generated_at) || Date.now();
    const times = rows
      .flatMap((r) => [r.started_at, r.ended_at, ...r.turns.flatMap((x) => [x.start, x.end]), ...r.marks.flatMap((m) => [m.at, m.until])])
      .map((x) => (x ? Date.parse(x) : NaN))
      .filter((x) => !Number.isNaN(x));
    if (live) times.push(now);
    const from = Math.min(...times);
    const span = Math.max(1000, Math.max(...times) - from);
    const at = (iso) => Math.min(100, Math.max(0, ((Date.parse(iso ?? "") || now) - from) / span) * 100);
    /** Places `el` from `a` to `b` (a point when `b` is undefined) on the shared axis. */
    const place = (el, a, b) => {
      el.style.left = `${at(a)}%`;
      if (b !== undefined) el.style.width = `${Math.max(0, at(b) - at(a))}%`;
      return el;
    };
    const turns = rows.reduce((n, r) => n + r.turns.length, 0);
    const cost = rows.reduce((n, r) => n + (r.cost_usd ?? 0), 0);
    $("timeline-note").textContent = rows.length
      ? `${rows.length} agent${rows.length === 1 ? "" : "s"} · ${turns} turn${turns === 1 ? "" : "s"} · ${ms(span)} · ${usd(cost)}${live ? " · live" : ""}`
      : t.root
        ? "This agent has no journal yet."
        : "No agent of this project in the journal.";
    if (!rows.length) return body.replaceChildren();
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => h("span", { class: "tl-tick", text: clock(from + f * span) }));
    ticks.forEach((el, i) => (el.style.left = `${i * 25}%`));
    body.replaceChildren(
      h(
        "div",
        { class: "tl-row tl-head", "aria-hidden": "true" },
        h("span", { class: "tl-name", text: "Agent" }),
        h("span", { class: "tl-track tl-axis" }, ...ticks),
        h("span", { class: "tl-cost", text: "Cost" }),
      ),
      h("ol", { class: "tl-rows", "aria-label": "Agents, each under the agent that launched it" }, ...rows.map((r) => timelineRow(r, place, t.generated_at))),
    );
  }

  /**
   * @param {TimelineRow} r
   * @param {(el: HTMLElement, a: string | undefined, b?: string) => HTMLElement} place
   * @param {string} now
   */
  function timelineRow(r, place, now) {
    const name = r.label || r.agent_id;
    const end = r.ended_at ?? now;
    const track = h("div", { class: "tl-track" }, place(h("span", { class: "tl-life", "aria-hidden": "true" }), r.started_at, end));
    for (const m of r.marks) {
      const wait = m.kind === "permission";
      const until = m.until ?? end;
      const text = wait
        ? `Permission wait from ${clock(m.at)}${m.until ? ` for ${ms(Date.parse(m.until) - Date.parse(m.at))}` : ", still waiting"}${m.note ? `: ${m.note}` : ""}`
        : `Budget stop at ${clock(m.at)}${m.note ? `: ${m.note}` : ""}`;
      const el = h("span", {
        class: wait ? "tl-wait" : "tl-stop",
        tabindex: 0,
        "data-testid": `timeline-${wait ? "wait" : "stop"}-${r.agent_id}`,
        "aria-label": text,
      });
      tipOn(el, () => [h("strong", { text: wait ? "Permission wait" : "Budget stop" }), h("p", { text })]);
      track.append(place(el, m.at, wait ? until : undefined));
    }
    for (const x of r.turns) {
      const took = x.end ? Date.parse(x.end) - Date.parse(x.start) : undefined;
      const state = x.end === undefined ? "under way" : x.is_error ? "failed" : x.interrupted ? "interrupted" : "";
      const facts = [
        `Turn ${x.turn}`,
        took === undefined ? "" : ms(x.duration_ms ?? took),
        usd(x.cost_usd),
        x.tokens === undefined ? "" : `${tokens(x.tokens)} tokens`,
        state,
      ]
        .filter((s) => s && s !== "—")
        .join(" · ");
      const bar = h("span", {
        class: `tl-bar${x.is_error ? " error" : x.interrupted ? " cut" : ""}${x.end === undefined ? " running" : ""}`,
        tabindex: 0,
        "data-testid": `timeline-bar-${r.agent_id}-${x.turn}`,
        "aria-label": `${facts}. Prompt: ${x.prompt_head || "—"}. Result: ${x.result_head ?? "under way"}${x.receipt_line ? `. ${x.receipt_line}` : ""}`,
        "data-suspect": x.receipt_line?.startsWith("SUSPECT") ? "true" : undefined,
      });
      tipOn(bar, () => [
        h("strong", { text: facts }),
        h("p", {}, h("span", { class: "kind", text: "Prompt " }), x.prompt_head || "—"),
        h("p", {}, h("span", { class: "kind", text: "Result " }), x.result_head ?? "Under way…"),
        x.receipt_line ? receiptHead(x.receipt_line, "timeline-tip-receipt") : "",
      ]);
      track.append(place(bar, x.start, x.end ?? now));
    }
    const li = h(
      "li",
      { class: "tl-row", "data-testid": `timeline-row-${r.agent_id}`, "data-depth": String(r.depth), "data-status": r.status },
      h(
        "div",
        { class: "tl-name" },
        r.depth > 0 ? h("span", { class: "tl-branch", "aria-hidden": "true", text: "↳" }) : "",
        h(
          "span",
          { class: "tl-who" },
          h("span", { class: "label", text: name, title: r.agent_id }),
          h("small", { text: `${r.provider}${r.model ? ` · ${r.model}` : ""} · ${r.turns.length} turn${r.turns.length === 1 ? "" : "s"}` }),
          badge(r.status),
        ),
      ),
      track,
      h(
        "div",
        { class: "tl-cost", "data-testid": `timeline-cost-${r.agent_id}` },
        usd(r.cost_usd),
        r.unknown_cost_turns ? h("small", { text: `${r.unknown_cost_turns} unpriced` }) : "",
      ),
    );
    li.style.setProperty("--depth", String(r.depth));
    return li;
  }

  /** Shows the shared tooltip with `content()` beside `el` while it is hovered or focused. */
  function tipOn(el, content) {
    const show = () => {
      const tip = $("timeline-tip");
      tip.replaceChildren(...content());
      tip.hidden = false;
      el.setAttribute("aria-describedby", "timeline-tip");
      const box = el.getBoundingClientRect();
      const room = document.documentElement.clientWidth;
      tip.style.left = `${Math.max(8, Math.min(box.left, room - tip.offsetWidth - 8))}px`;
      const below = box.bottom + 6;
      tip.style.top = `${below + tip.offsetHeight > window.innerHeight && box.top > tip.offsetHeight + 6 ? box.top - tip.offsetHeight - 6 : below}px`;
    };
    const hide = () => {
      el.removeAttribute("aria-describedby");
      hideTip();
    };
    el.addEventListener("mouseenter", show);
    el.addEventListener("focus", show);
    el.addEventListener("mouseleave", hide);
    el.addEventListener("blur", hide);
  }

  function hideTip() {
    $("timeline-tip").hidden = true;
  }

  $("timeline-all").addEventListener("click", () => openTimeline(undefined));
  $("timeline-close").addEventListener("click", () => {
    timeline = undefined;
    hideTip();
    $("timeline").hidden = true;
    $("timeline-all").focus();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") hideTip();
  });

  return {
    open: openTimeline,
    refresh: () => {
      if (timeline) loadTimeline();
    },
  };
}
