import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "@subagent-mcp/testkit";
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { endedAfterEach, openDashboardPage, startDashboardCli } from "./dashboard-cli.js";
import { startE2E } from "./e2e.js";
import { nestedTree } from "./nested-tree.js";

// The dashboard's timeline in a real browser, for a real agent tree: a Claude sub-agent and the
// agent it launched on its own subagent-mcp server, from the journal they share.
const shots = fileURLToPath(new URL("../.test-results/dashboard/", import.meta.url));
const docs = fileURLToPath(new URL("../../../docs/", import.meta.url));

const run = endedAfterEach();

async function box(l: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await l.boundingBox();
  if (b === null) throw new Error("not shown");
  return b;
}

describe("the dashboard's timeline in a browser", () => {
  it("shows a real agent tree: rows indented under their parent, turn bars on one axis, waits, stops and a tooltip, live", async () => {
    mkdirSync(shots, { recursive: true });
    const s = (run.e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    const { parent, child } = await nestedTree(s);
    const d = (run.dash = await startDashboardCli(s.serverEnv, s.env.cwd));
    const browser = (run.browser = await launchChromium());
    const errors: string[] = [];
    const page = await openDashboardPage(await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: "light" }), d.url, errors);
    await page.evaluate("window.sameDocument = true");

    // From the parent's row: its tree, the parent first, the nested agent under it.
    await page.locator(`[data-testid="agent-row-${parent}"][data-status="finished"]`).waitFor();
    await page.getByTestId(`timeline-${parent}`).click();
    const rowOf = (id: string) => page.getByTestId(`timeline-row-${id}`);
    await rowOf(child).waitFor();
    const rows = await Promise.all(
      (await page.locator('[data-testid^="timeline-row-"]').all()).map(async (r) => [await r.getAttribute("data-testid"), await r.getAttribute("data-depth")]),
    );
    expect(rows).toEqual([
      [`timeline-row-${parent}`, "0"],
      [`timeline-row-${child}`, "1"],
    ]);
    expect((await box(rowOf(child).locator(".tl-who"))).x).toBeGreaterThan((await box(rowOf(parent).locator(".tl-who"))).x + 10);
    // Each row's cost (rendered with its row).
    expect(await rowOf(parent).locator(".tl-cost").textContent()).toMatch(/^\$\d+\.\d{2}/);
    expect(await rowOf(child).locator(".tl-cost").textContent()).toMatch(/^\$\d+\.\d{2}/);

    // Bars on one axis: the nested agent's turn ran inside its parent's.
    const parentBar = page.getByTestId(`timeline-bar-${parent}-1`);
    const childBar = page.getByTestId(`timeline-bar-${child}-1`);
    const [p, c] = [await box(parentBar), await box(childBar)];
    expect(c.x).toBeGreaterThanOrEqual(p.x - 1);
    expect(c.x + c.width).toBeLessThanOrEqual(p.x + p.width + 1);
    // Its budget of one turn stopped it, with the limit named.
    await page.getByTestId(`timeline-stop-${child}`).waitFor();
    expect(await page.getByTestId(`timeline-stop-${child}`).getAttribute("aria-label")).toMatch(/^Budget stop at .*: max_turns 1/);

    // Hovering a bar tells its prompt and its result.
    const tip = page.getByTestId("timeline-tip");
    await childBar.hover();
    await tip
      .filter({ hasText: "Review the nested docs" })
      .filter({ hasText: `${s.fakes.claude.nonce} echo: Review the nested docs` })
      .waitFor();
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: "hidden" });

    // Live: a new turn that asks permission shows as a running bar over a permission wait, without a reload...
    await s.call("send_message", { agent_id: parent, message: "[[shell:touch timeline-allowed.txt]]" });
    await page.locator(`[data-testid="timeline-bar-${parent}-2"].running`).waitFor();
    await page.getByTestId(`timeline-wait-${parent}`).waitFor();
    const section = page.getByTestId("timeline");
    await page.evaluate("document.getElementById('timeline').scrollIntoView({ block: 'start' })");
    await childBar.hover();
    await tip.filter({ hasText: "Review the nested docs" }).waitFor();
    const [sb, tb] = [await box(section), await box(tip)];
    const bottom = Math.min(900, Math.max(sb.y + sb.height, tb.y + tb.height) + 8);
    await page.screenshot({ path: join(docs, "timeline.png"), clip: { x: sb.x, y: sb.y, width: sb.width, height: bottom - sb.y } });
    await page.mouse.move(0, 0);

    // ... and once allowed, it ends there too.
    const request = page.locator('#permission-list [data-testid^="permission-"]').filter({ hasText: "touch timeline-allowed.txt" });
    await request.waitFor();
    const requestId = ((await request.getAttribute("data-testid")) ?? "").slice("permission-".length);
    await page.getByTestId(`allow-${requestId}`).click();
    await page.locator(`[data-testid="timeline-bar-${parent}-2"]:not(.running)`).waitFor();
    await page.locator(`[data-testid="timeline-wait-${parent}"]`).waitFor();
    expect(existsSync(join(s.env.cwd, "timeline-allowed.txt"))).toBe(true);
    expect(await page.evaluate("window.sameDocument")).toBe(true);
    await page.screenshot({ path: join(shots, "timeline-light.png"), fullPage: true });

    // Dark, from the Timeline button (the project's recent trees), and at 360 px wide without overflow.
    const dark = await openDashboardPage(await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: "dark" }), d.url, errors);
    await dark.getByTestId("timeline-all").click();
    await dark.getByTestId(`timeline-row-${child}`).waitFor();
    // The pointer left where the button was: over a bar now, whose tooltip would cover the picture.
    await dark.mouse.move(0, 0);
    await dark.getByTestId("timeline").screenshot({ path: join(shots, "timeline-dark.png") });
    const narrow = await openDashboardPage(await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true }), d.url, errors);
    await narrow.getByTestId(`timeline-${parent}`).click();
    await narrow.getByTestId(`timeline-bar-${child}-1`).waitFor();
    expect(await narrow.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    await narrow.getByTestId("timeline").screenshot({ path: join(shots, "timeline-narrow-360.png") });

    await browser.close();
    expect(errors).toEqual([]);
  }, 300_000);
});
