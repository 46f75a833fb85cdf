// @ts-check
/* global document, fetch */
// The dashboard page's actions: each asked in the confirmation dialog first, then sent to /api/action,
// its outcome written where the reader looks.

import { $, api, input, words } from "./dom.js";

/** @typedef {import("@subagent-mcp/contract").ActionReply} ActionReply */

/**
 * Asks in the dialog; resolves to false, or to { reason } when confirmed.
 * @param {{ title: string, text: string, quote?: string, reason?: boolean, yes?: string, danger?: boolean }} ask
 * @returns {Promise<false | { reason: string }>}
 */
export function confirm({ title, text, quote, reason = false, yes = "Confirm", danger = false }) {
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

/** Sends an action and writes its outcome in `out`; resolves to whether it was done. */
export async function act(body, out, what) {
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
