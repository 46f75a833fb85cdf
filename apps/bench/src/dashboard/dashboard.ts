import { performance } from "node:perf_hooks";
import { launchChromium, type Page } from "@subagent-mcp/testkit";
import { mcpRig, startDashboard } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

/** What the dashboard suite measures. */
export interface DashboardResult {
  /** launch_agent called -> its row is in the page. */
  launchToRow: Summary;
  /** launch_agent returned -> its row is in the page (negative: the page had it before the call returned). */
  launchReturnedToRow: Summary;
  /** send_message called -> the row shows the agent processing the follow-up. */
  sendToProcessing: Summary;
  /** page.goto -> the EventSource is open ("live"). */
  loadToLive: Summary;
  /** Bytes of each response the page needs, as sent (compressed when content-encoding says so). */
  transfer: { page: number; scripts: number; styles: number; firstState: number; stateAfterRuns: number; total: number; encoding: string };
}

const now = (): number => performance.timeOrigin + performance.now();

// Stamps, in the page's clock (same machine, same wall clock), when each agent row first appears
// and first shows each status: `seen["<id>"]`, `seen["<id>:<status>"]`.
const OBSERVE = `(() => {
  window.seen = {};
  const stamp = performance.timeOrigin + performance.now();
  const note = (el, at) => {
    const id = (el.dataset.testid || "").slice("agent-row-".length);
    if (!el.matches('tr[data-testid^="agent-row-"]') || id === "") return;
    window.seen[id] ??= at;
    window.seen[id + ":" + el.dataset.status] ??= at;
  };
  new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now();
    for (const r of records) {
      if (r.type === "attributes") note(r.target, at);
      else for (const n of r.addedNodes) if (n.nodeType === 1) note(n, at);
    }
  }).observe(document.getElementById("agent-rows"), { childList: true, subtree: true, attributes: true, attributeFilter: ["data-status"] });
  return stamp;
})()`;

async function seenAt(page: Page, key: string): Promise<number> {
  // A function, not a string: the page's CSP forbids evaluating strings.
  const handle = await page.waitForFunction((k) => (globalThis as unknown as { seen: Record<string, number | undefined> }).seen[k], key, {
    timeout: 120_000,
    polling: 10,
  });
  return (await handle.jsonValue()) as number;
}

/** The dashboard against the built server and real Claude Code on its fake: event -> page, and the page's weight. */
export async function dashboardBench(runs: number): Promise<DashboardResult> {
  const rig = await mcpRig();
  const dash = startDashboard(rig.env);
  const browser = await launchChromium();
  try {
    const { page: url, state: stateUrl } = await dash.urls;
    const sizes = new Map<string, number>();
    let encoding = "none";
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const loads: number[] = [];
    let page: Page | undefined;
    for (let i = 0; i < Math.max(3, Math.ceil(runs / 2)); i++) {
      await page?.close();
      page = await context.newPage();
      page.on("response", (r) => {
        const path = new URL(r.url()).pathname;
        encoding = r.headers()["content-encoding"] ?? encoding;
        // Bytes on the wire: the body as sent (compressed when content-encoding says so).
        void r
          .request()
          .sizes()
          .then(
            (s) => sizes.set(path, s.responseBodySize),
            () => undefined,
          );
      });
      const start = now();
      await page.goto(url);
      await page.locator('[data-testid="connection"]:text-is("live")').waitFor({ timeout: 120_000 });
      loads.push(now() - start);
    }
    if (page === undefined) throw new Error("no page");
    const firstState = (await (await fetch(stateUrl)).arrayBuffer()).byteLength;
    await page.evaluate(OBSERVE);

    const launchToRow: number[] = [];
    const launchReturnedToRow: number[] = [];
    const sendToProcessing: number[] = [];
    let last = "";
    for (let i = 0; i < runs; i++) {
      const start = now();
      const { agent_id } = await rig.call<{ agent_id: string }>("launch_agent", { provider: "claude", label: `bench-${i}`, prompt: `Task ${i}` });
      const returned = now();
      const at = await seenAt(page, agent_id);
      launchToRow.push(at - start);
      launchReturnedToRow.push(at - returned);
      await rig.call("wait", { agent_ids: [agent_id], timeout_s: 120 });
      if (i < runs - 1) await rig.call("kill_agent", { agent_id });
      last = agent_id;
    }
    // Follow-ups to one agent: each a turn long enough (a slow stream) for the page to show it working.
    for (let i = 0; i < runs; i++) {
      await seenAt(page, `${last}:finished`);
      await page.evaluate(`delete window.seen[${JSON.stringify(`${last}:processing`)}]; delete window.seen[${JSON.stringify(`${last}:finished`)}]`);
      const start = now();
      await rig.call("send_message", { agent_id: last, message: `[[slow:1500]] follow-up ${i}` });
      sendToProcessing.push((await seenAt(page, `${last}:processing`)) - start);
      await rig.call("wait", { agent_ids: [last], timeout_s: 120 });
    }
    const stateAfterRuns = (await (await fetch(stateUrl)).arrayBuffer()).byteLength;
    const size = (path: string): number => sizes.get(path) ?? Number.NaN;
    // The page's modules and stylesheets, however many files each is split into.
    const sum = (ext: string): number => [...sizes].filter(([path]) => path.startsWith("/ui/") && path.endsWith(ext)).reduce((n, [, s]) => n + s, 0);
    const transfer = { page: size("/"), scripts: sum(".js"), styles: sum(".css"), firstState, stateAfterRuns, total: 0, encoding };
    transfer.total = transfer.page + transfer.scripts + transfer.styles + firstState;
    return {
      launchToRow: summarize(launchToRow),
      launchReturnedToRow: summarize(launchReturnedToRow),
      sendToProcessing: summarize(sendToProcessing),
      loadToLive: summarize(loads),
      transfer,
    };
  } finally {
    await browser.close();
    await dash.stop();
    await rig.close();
  }
}
