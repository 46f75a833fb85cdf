import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import { launchChromium, writeBigJournal, type Browser, type BrowserContext, type Page } from "@subagent-mcp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { startDashboardCli, type DashboardCli } from "./dashboard-cli.js";
import { startE2E, type E2E } from "./e2e.js";

// The dashboard in a real browser: the built MCP server with the real CLIs on their fakes, the built
// `subagent-mcp dashboard` beside it on the same state dir, the page in the system's Chromium.
const shots = fileURLToPath(new URL("../.test-results/dashboard/", import.meta.url));
const WAIT = { timeout: 120_000 };

let e: E2E | undefined;
let dash: DashboardCli | undefined;
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  await dash?.stop();
  await e?.close();
  browser = dash = e = undefined;
});

// Every console error and uncaught exception of a page, to assert there were none.
function watch(page: Page, errors: string[]): Page {
  page.setDefaultTimeout(WAIT.timeout);
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  return page;
}

async function openPage(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = watch(await context.newPage(), errors);
  await page.goto(url);
  await page.locator('[data-testid="connection"]:text-is("live")').waitFor();
  return page;
}

const row = (page: Page, id: string, status?: string) =>
  page.locator(`[data-testid="agent-row-${id}"]${status === undefined ? "" : `[data-status="${status}"]`}`);

async function launch(s: E2E, provider: string, label: string, prompt: string): Promise<string> {
  const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider, label, prompt });
  return agent_id;
}

describe("subagent-mcp dashboard in a browser", () => {
  it("shows agents live, a transcript, answers a permission request and kills an agent, without a console error", async () => {
    mkdirSync(shots, { recursive: true });
    const s = (e = await startE2E());
    const d = (dash = await startDashboardCli(s.serverEnv, s.env.cwd));
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
    browser = await launchChromium();
    const errors: string[] = [];
    const light = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: "light" });
    const page = await openPage(light, d.url, errors);
    // Set once: still there at the end means the page never reloaded.
    await page.evaluate("window.sameDocument = true");

    // Two agents launched over MCP appear without a reload.
    const triage = await launch(s, "claude", "triage", "Summarise the open issues in TODO.md");
    const survey = await launch(s, "codex", "api-survey", "List the exported functions of src/index.ts");
    await row(page, triage).waitFor();
    await row(page, survey).waitFor();
    // Its server says which OS sandbox its agents run in.
    await page.locator("#servers").filter({ hasText: "agents sandboxed (bwrap)" }).waitFor();

    // The transcript of one: its prompt and the model's answer.
    await row(page, triage, "finished").waitFor();
    await row(page, triage).click();
    await page.getByTestId("agent-detail").waitFor();
    const transcript = page.getByTestId("transcript");
    await transcript.filter({ hasText: "Summarise the open issues in TODO.md" }).filter({ hasText: "echo: Summarise" }).waitFor();
    await page.getByTestId(`send-${triage}`).waitFor();

    // A permission request shows up; Allow lets the agent go on and finish.
    const asker = await launch(s, "claude", "release-notes", "[[shell:touch dashboard-allowed.txt]]");
    const request = page.locator('#permission-list [data-testid^="permission-"]');
    await request.filter({ hasText: "touch dashboard-allowed.txt" }).waitFor();
    const requestId = ((await request.first().getAttribute("data-testid")) ?? "").slice("permission-".length);
    const polled = await s.call<{ pending_permissions?: { request_id: string }[] }>("poll_agent", { agent_id: asker });
    expect(polled.pending_permissions?.map((p) => p.request_id)).toContain(requestId);
    await row(page, survey, "finished").waitFor();
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: join(shots, "light.png") });
    await page.getByTestId(`allow-${requestId}`).click();
    await page.getByTestId(`permission-${requestId}`).waitFor({ state: "detached" });
    await row(page, asker, "finished").waitFor();
    expect(existsSync(join(s.env.cwd, "dashboard-allowed.txt"))).toBe(true);

    // Kill a running agent, confirmed in the dialog.
    const long = await launch(s, "claude", "long-refactor", "[[slow:600000]] Refactor the parser");
    await row(page, long, "processing").waitFor();
    await page.getByTestId(`kill-${long}`).click();
    await page.getByTestId("confirm-yes").click();
    await row(page, long, "stopped").waitFor();
    expect(await page.evaluate("window.sameDocument")).toBe(true);
    await page.screenshot({ path: join(shots, "light-full.png"), fullPage: true });

    // The same state dark, and at 360 px wide.
    const dark = await openPage(await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: "dark" }), d.url, errors);
    await row(dark, long, "stopped").waitFor();
    await dark.screenshot({ path: join(shots, "dark.png"), fullPage: true });
    const narrow = await openPage(await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true }), d.url, errors);
    await row(narrow, asker, "finished").waitFor();
    expect(await narrow.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    await narrow.screenshot({ path: join(shots, "narrow-360.png"), fullPage: true });

    await browser.close();
    expect(errors).toEqual([]);
  }, 420_000);

  it("shows past agents a page at a time: the newest in the state, Show more for the next, kept as the state changes", async () => {
    const s = (e = await startE2E());
    const agents = stateLayout(stateDir({ home: s.env.home, env: s.env.env })).agents;
    // 120 agents of a server that is gone (a pid no process has), all ended at the same time: newest first is by id, last first.
    const id = (i: number): string => `past${String(i).padStart(4, "0")}`;
    for (let i = 0; i < 120; i++) writeBigJournal(agents, id(i), realpathSync(s.env.cwd), 2 ** 22 + 12_347, 1000);
    const d = (dash = await startDashboardCli(s.serverEnv, s.env.cwd));
    browser = await launchChromium();
    const errors: string[] = [];
    const page = await openPage(await browser.newContext({ viewport: { width: 1200, height: 900 } }), d.url, errors);
    const count = page.getByTestId("past-count");
    const rows = page.locator('[data-testid^="agent-row-"]');
    await count.filter({ hasText: /^50 of 120 past agents shown$/ }).waitFor();
    await row(page, id(119)).waitFor();
    expect(await rows.count()).toBe(50);
    expect(await row(page, id(69)).count()).toBe(0);
    await page.getByTestId("past-more").click();
    await row(page, id(69)).waitFor();
    await count.filter({ hasText: /^100 of 120 past agents shown$/ }).waitFor();
    expect(await rows.count()).toBe(100);
    // A new state (an agent launched) reads the pages shown again: they stay.
    const live = await launch(s, "claude", "fresh", "Say hello");
    await row(page, live).waitFor();
    await page.getByTestId("past-more").click();
    await row(page, id(0)).waitFor();
    await count.filter({ hasText: /^120 of 120 past agents shown$/ }).waitFor();
    expect(await rows.count()).toBe(121);
    await page.getByTestId("past-more").waitFor({ state: "hidden" });
    expect(errors).toEqual([]);
  }, 240_000);

  it("shows an escalated agent's attempts: the candidate it left, why, and the check's output", async () => {
    mkdirSync(shots, { recursive: true });
    const table = { coding: { cost_efficiency: [{ provider: "gemini", model: "gemini-3.8-flash" }], performance: [{ provider: "claude", model: "opus" }] } };
    const s = (e = await startE2E({}, (env) => {
      const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "config.json"), JSON.stringify({ routing: { table } }));
    }));
    const d = (dash = await startDashboardCli(s.serverEnv, s.env.cwd));
    browser = await launchChromium();
    const errors: string[] = [];
    const page = await openPage(await browser.newContext({ viewport: { width: 1200, height: 900 } }), d.url, errors);
    const { agent_id: id } = await s.call<{ agent_id: string }>("launch_agent", {
      task_category: "coding",
      label: "parser",
      prompt: "write the parser",
      escalate: { on: "check", check: "echo 'DASH-CHECK: 2 tests failed'; exit 3" },
    });
    await row(page, id, "errored").waitFor();
    await row(page, id).click();
    const facts = page.locator("#detail-facts");
    await facts.filter({ hasText: "Attempts" }).filter({ hasText: "gemini/gemini-3.8-flash escalated: the check" }).waitFor();
    await facts.filter({ hasText: "DASH-CHECK: 2 tests failed" }).waitFor();
    await page.screenshot({ path: join(shots, "escalated.png") });
    expect(errors).toEqual([]);
  }, 240_000);
});
