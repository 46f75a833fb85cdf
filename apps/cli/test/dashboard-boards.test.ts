import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { appendBoardTurn, openLocalBoard, type BoardStore } from "@subagent-mcp/board";
import type { Receipt } from "@subagent-mcp/contract";
import { stateLayout } from "@subagent-mcp/state";
import { launchChromium } from "@subagent-mcp/testkit";
import { describe, expect, it } from "vitest";
import { endedAfterEach, openDashboardPage, startDashboardCli } from "./dashboard-cli.js";
import { startE2E } from "./e2e.js";

// A team's board in a real browser: the built `subagent-mcp dashboard` over a state folder where a
// board is worked on as a team server would (through the board's own store), each change shown as
// it lands, without a reload.
const shots = fileURLToPath(new URL("../.test-results/dashboard/", import.meta.url));
const run = endedAfterEach();

const RECEIPT: Receipt = {
  ended: { how: "end_turn" },
  tools: { calls: 3, by_kind: { shell: 1, edit: 2 }, failed: 0 },
  commands: [{ command: "npm test", exit_code: 0, test: true }],
  permissions: [],
  files: { source: "git", changed: [{ path: "src/parse.ts", change: "modified", added: 12, removed: 3 }], total: { files: 1, added: 12, removed: 3 } },
  tests: { runs: 1, verdict: "passed" },
  tokens: { input: 1000, output: 200 },
  duration_ms: 4000,
  review: { provider: "codex", verdict: "approve", reasons: [] },
};

async function apply(board: BoardStore, ...ops: unknown[]): Promise<void> {
  for (const op of ops) {
    const applied = await board.apply(op);
    if ("error" in applied) throw applied.error;
  }
}

describe("the dashboard's team boards in a browser", () => {
  it("shows a board's tasks by state — a dependency, a claimed task, a sent-back one, a done one with its receipt — and its cost, live", async () => {
    mkdirSync(shots, { recursive: true });
    const s = (run.e = await startE2E());
    const dir = join(stateLayout(join(s.serverEnv.XDG_STATE_HOME ?? "", "subagent-mcp")).boards, "release");
    const board = await openLocalBoard(dir, { options: { max_tries: 3 } });
    await apply(
      board,
      {
        type: "add",
        tasks: [
          { key: "parse", title: "Parse the config file" },
          { key: "render", title: "Render the parsed config", depends_on: ["parse"] },
          { key: "docs", title: "Document the options", review: true },
        ],
      },
      {
        type: "join",
        members: [
          { name: "ada", vendor: "claude" },
          { name: "bob", vendor: "codex" },
          { name: "cy", vendor: "gemini" },
        ],
      },
      { type: "claim", key: "parse", member: "ada" },
    );

    const d = (run.dash = await startDashboardCli(s.serverEnv, s.env.cwd));
    const browser = (run.browser = await launchChromium());
    const errors: string[] = [];
    const page = await openDashboardPage(await browser.newContext({ viewport: { width: 1500, height: 1000 }, colorScheme: "light" }), d.url, errors);
    await page.evaluate("window.sameDocument = true");
    const column = (status: string) => page.getByTestId(`board-col-release-${status}`);

    // As it stands: parse claimed by ada, render waiting on it.
    await column("claimed").getByTestId("board-card-release-parse").waitFor();
    expect(await page.getByTestId("board-holder-release-parse").textContent()).toMatch(/^ada claimed it \d+ s ago$/);
    await column("waiting").getByTestId("board-card-release-render").waitFor();
    expect(await page.getByTestId("board-dep-release-render-parse").textContent()).toBe("parse");

    // parse is done with a receipt: it moves to done with its result and its receipt's line, and render opens.
    await apply(board, { type: "done", key: "parse", member: "ada", result: "Parsed with zod; 12 new lines in src/parse.ts.", receipt: RECEIPT });
    await column("done").getByTestId("board-card-release-parse").waitFor();
    expect(await page.getByTestId("board-result-release-parse").textContent()).toBe("Parsed with zod; 12 new lines in src/parse.ts.");
    expect(await page.getByTestId("board-receipt-release-parse").textContent()).toBe(
      "receipt: 3 tool calls, 1 file changed (+12 -3), tests passed; review by codex: approve",
    );
    await column("open").getByTestId("board-card-release-render").waitFor();
    expect(await page.getByTestId("board-dep-release-render-parse").textContent()).toBe("parse ✓");

    // cy claims render; docs is finished and its reviewer sends it back with reasons.
    await apply(
      board,
      { type: "claim", key: "render", member: "cy" },
      { type: "claim", key: "docs", member: "ada" },
      { type: "done", key: "docs", member: "ada", result: "Wrote docs/options.md." },
      { type: "review", key: "docs", reviewer: "bob", verdict: "changes_requested", reasons: ["the defaults are missing", "no example"] },
    );
    await column("claimed").getByTestId("board-card-release-render").waitFor();
    await column("open").getByTestId("board-card-release-docs").waitFor();
    const back = page.getByTestId("board-sentback-release-docs");
    expect(await back.locator("strong").textContent()).toBe("Sent back by bob");
    expect(await back.locator("li").allTextContents()).toEqual(["the defaults are missing", "no example"]);
    expect(await page.getByTestId("board-tries-release-docs").textContent()).toBe("try 2 of 3");
    expect(await page.getByTestId("board-holder-release-render").textContent()).toMatch(/^cy claimed it /);

    // The members' turns: the board's cost in all and per task.
    const at = new Date().toISOString();
    await appendBoardTurn(dir, { at, board: "release", member: "ada", provider: "claude", turn: 1, keys: ["parse"], cost_usd: 0.5 });
    await appendBoardTurn(dir, { at, board: "release", member: "ada", provider: "claude", turn: 2, keys: ["docs"], cost_usd: 0.3 });
    const cost = page.getByTestId("board-cost-release");
    await cost.filter({ hasText: "Cost $0.80 over 2 turns" }).waitFor();
    expect(await page.getByTestId("board-task-cost-release-parse").textContent()).toBe("parse $0.50");
    expect(await page.getByTestId("board-task-cost-release-docs").textContent()).toBe("docs $0.30");

    // The dependency is a link to its card.
    await page.getByTestId("board-dep-release-render-parse").click();
    expect(await page.evaluate("document.activeElement?.dataset.testid")).toBe("board-card-release-parse");

    await page.getByTestId("boards").screenshot({ path: join(shots, "boards-light.png") });
    const narrow = await openDashboardPage(await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true }), d.url, errors);
    await narrow.getByTestId("board-card-release-docs").waitFor();
    expect(await narrow.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    await board.close();
    expect(await page.evaluate("window.sameDocument")).toBe(true);
    expect(errors).toEqual([]);
  }, 180_000);
});
