// @ts-check
/* global document, location, URLSearchParams */
// The dashboard page's shared helpers: its elements by id, /api/ URLs with the token, one way of
// making elements and of writing numbers, costs and durations. Plain DOM: every value from the
// server goes through textContent or attributes, never HTML, since agents' output is untrusted.

/** The token the page was opened with ("" when the address had none). */
export const token = new URLSearchParams(location.search).get("token") ?? "";
/** The page's elements by id; every id used here is in index.html. */
export const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** An input of the page by id. */
export const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id));
export const api = (path, params = {}) => `/api/${path}?${new URLSearchParams({ token, ...params })}`;
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en");

/** Makes an element: `text` sets textContent, `on` adds listeners, `class` the class, other keys attributes. */
export function h(tag, attrs = {}, ...children) {
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

export const usd = (n) => (typeof n !== "number" ? "—" : n > 0 && n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
export const num = (n) => (typeof n === "number" ? whole.format(n) : "—");
export const tokens = (n) => (typeof n === "number" ? compact.format(n) : "—");
export const words = (s) => String(s ?? "").replace(/_/g, " ");

/** A duration in seconds as "12 s", "5 min", "3 h 5 min" or "2 d 4 h". */
export function dur(s) {
  if (typeof s !== "number" || !Number.isFinite(s)) return "—";
  s = Math.max(0, Math.round(s));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  const two = (a, ua, b, ub) => (b ? `${a} ${ua} ${b} ${ub}` : `${a} ${ua}`);
  if (s < 86400) return two(Math.floor(s / 3600), "h", Math.floor((s % 3600) / 60), "min");
  return two(Math.floor(s / 86400), "d", Math.floor((s % 86400) / 3600), "h");
}

/** Keyed list update: keeps existing elements (and their focus) and adds or removes the others. */
export function reconcile(parent, items, key, make, update) {
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

/** An agent status as a badge. */
export function badge(status) {
  return h("span", { class: "badge", "data-status": status, text: words(status) });
}

/** Whether `el` last showed another `value` (noting this one). */
export function changed(el, value) {
  const sig = JSON.stringify(value);
  if (el.dataset.sig === sig) return false;
  el.dataset.sig = sig;
  return true;
}

export function table(headers, rows, caption) {
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

export const empty = (text) => h("p", { class: "empty", text });
