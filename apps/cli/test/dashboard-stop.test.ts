import { listAgents } from "@subagent-mcp/journal";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import { launchChromium } from "@subagent-mcp/testkit";
import { describe, expect, it } from "vitest";
import { endedAfterEach, openDashboardPage, startDashboardCli } from "./dashboard-cli.js";
import { startE2E } from "./e2e.js";

// The dashboard's user stop in a real browser: Stop tree on one agent, then Stop all, each confirmed.
const run = endedAfterEach();

describe("the dashboard's Stop tree and Stop all", () => {
  it("stop agents after a confirmation, each journaled as stopped by the user", { timeout: 120_000 }, async () => {
    const s = (run.e = await startE2E());
    const d = (run.dash = await startDashboardCli(s.serverEnv, s.env.cwd));
    run.browser = await launchChromium();
    const errors: string[] = [];
    const page = await openDashboardPage(await run.browser.newContext(), d.url, errors, 60_000);
    const launch = async (label: string) =>
      (await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", label, prompt: "[[slow:600000]] Work long" })).agent_id;
    const [one, two, three] = [await launch("one"), await launch("two"), await launch("three")];
    const row = (id: string, status: string) => page.locator(`[data-testid="agent-row-${id}"][data-status="${status}"]`);
    for (const id of [one, two, three]) await row(id, "processing").waitFor();

    // Stop tree on one, confirmed in the dialog: just that one.
    await page.getByTestId(`stop-tree-${one}`).click();
    await page.getByTestId("confirm-yes").click();
    await row(one, "stopped").waitFor();
    expect(await row(two, "processing").count()).toBe(1);

    // Stop all, confirmed: the rest.
    await page.getByTestId("stop-all").click();
    await page.getByTestId("confirm-yes").click();
    await row(two, "stopped").waitFor();
    await row(three, "stopped").waitFor();

    const dir = stateLayout(stateDir({ home: s.env.home, env: s.env.env })).agents;
    const ends = () => new Map(listAgents(dir).map((a) => [a.agent_id, a.end]));
    for (const id of [one, two, three]) {
      for (let i = 0; i < 250 && ends().get(id) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
      expect(ends().get(id), id).toEqual({ status: "stopped", why: "stopped by the user" });
    }
    expect(errors).toEqual([]);
  });
});
