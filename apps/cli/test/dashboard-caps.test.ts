import { launchChromium } from "@subagent-mcp/testkit";
import { describe, expect, it } from "vitest";
import { endedAfterEach, openDashboardPage, startDashboardCli } from "./dashboard-cli.js";
import { startE2E, waitFor, withUserConfig } from "./e2e.js";

// The Usage section's subscription windows and spend caps in a real browser: the built server with the
// real CLIs on their fakes, `subagent-mcp dashboard` beside it, updated as turns end, without a reload.
const run = endedAfterEach();

describe("the dashboard's subscription windows and spend caps", () => {
  it("shows a cap reached by a turn and a window Codex reported at 95 %, as they happen", { timeout: 180_000 }, async () => {
    const s = (run.e = await startE2E({}, withUserConfig({ spend_caps: { claude: { day_turns: 1, week_usd: 50 } } })));
    const d = (run.dash = await startDashboardCli(s.serverEnv, s.env.cwd));
    run.browser = await launchChromium();
    const errors: string[] = [];
    const page = await openDashboardPage(await run.browser.newContext(), d.url, errors);
    await page.evaluate("window.sameDocument = true");

    // Before any turn: the caps with nothing spent, no window reported.
    const turns = page.getByTestId("cap-claude-day_turns");
    await turns.filter({ hasText: "0 / 1" }).and(page.locator('[data-reached="false"]')).waitFor();
    await page.getByTestId("cap-claude-week_usd").filter({ hasText: "$0.00 / $50.00" }).waitFor();
    await page.getByTestId("quota").filter({ hasText: "No subscription window reported." }).waitFor();

    // A Claude turn ends: the day's turn cap is reached and marked.
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "one" });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    await turns.and(page.locator('[data-reached="true"]')).filter({ hasText: "1 / 1" }).filter({ hasText: "(reached)" }).waitFor();
    expect(await turns.locator("td").nth(4).textContent()).toMatch(/^\d{4}-\d\d-\d\dT00:00:00\.000Z$/);

    // Codex's app-server reports its primary window at 95 %: the windows table shows it with its reset.
    const codex = await s.call<{ agent_id: string }>("launch_agent", { provider: "codex", model: "gpt-6-luna", prompt: "[[ratelimit:95]] a task" });
    await waitFor(s, codex.agent_id, (out) => out.finished[0]);
    const window = page.getByTestId("quota").locator("tr").filter({ hasText: "codex" }).filter({ hasText: "primary" });
    await window.filter({ hasText: "95 %" }).waitFor();
    expect(await window.locator("td").nth(3).textContent()).toMatch(/^\d{4}-\d\d-\d\dT\S+Z$/);

    expect(await page.evaluate("window.sameDocument")).toBe(true);
    expect(errors).toEqual([]);
  });
});
