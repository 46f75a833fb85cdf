import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stateDir } from "@subagent-mcp/state";
import { launchChromium, loopbackEnv, type Browser, type CliEnvironment } from "@subagent-mcp/testkit";
import type { Receipt } from "@subagent-mcp/contract";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDashboardCli, type DashboardCli } from "./dashboard-cli.js";
import { bin, startE2E } from "./e2e.js";
import { waitAll } from "./past-e2e.js";

// A turn's receipt where a person reads it: under the turn in `subagent-mcp logs` (and in its
// --json entries), and in the dashboard's agent detail, transcript and timeline tooltip, a SUSPECT one
// marked. From a past agent's journal written as the server writes it; no CLI runs (its model URL is
// never called).
const shots = fileURLToPath(new URL("../.test-results/dashboard/", import.meta.url));
const WAIT = { timeout: 60_000 };
const AGENT = "receipt0past";

const receipt: Receipt = {
  ended: { how: "end_turn" },
  tools: { calls: 3, by_kind: { shell: 2, edit: 1 }, failed: 1 },
  commands: [
    { command: "npm test", exit_code: 1, test: true },
    { command: "git status", exit_code: 0 },
  ],
  permissions: [{ tool: "Bash", summary: "rm -rf build", decision: "deny", by: "orchestrator" }],
  files: { source: "git", changed: [{ path: "src/a.ts", change: "modified", added: 3, removed: 1 }], total: { files: 1, added: 3, removed: 1 } },
  tests: { runs: 1, verdict: "failed", last: { command: "npm test", exit_code: 1, test: true } },
  tokens: { input: 1200, output: 300 },
  duration_ms: 4000,
  suspect: [{ reason: "tests_failed", evidence: 'says "all tests pass" but the last test run (npm test) exited 1' }],
};
const LINE = `SUSPECT: says "all tests pass" but the last test run (npm test) exited 1 [receipt: 3 tool calls, 1 file changed (+3 -1), tests failed]`;

let env: CliEnvironment;
let cliEnv: Record<string, string>;
beforeAll(async () => {
  env = await loopbackEnv("claude", { url: "http://127.0.0.1:9" });
  cliEnv = env.env;
  const project = realpathSync(env.cwd);
  const dir = join(stateDir({ home: env.home, env: env.env }), "agents", AGENT);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A pid no process has: the server that ran it is gone, so the agent is past.
  const server = { id: "gone", pid: 2 ** 22 + 4321, started_at: "2026-01-01T00:00:00.000Z" };
  writeFileSync(join(dir, "owner.json"), JSON.stringify(server), { mode: 0o600 });
  const at = (s: number): string => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
  const usage = { input: 1200, output: 300, cache_read: 0, cache_write: 0 };
  const entries = [
    { t: "launch", at: at(0), agent_id: AGENT, server, project, provider: "claude", cwd: project, label: "tester" },
    { t: "prompt", at: at(1), turn: 1, text: "Fix the test and run it." },
    { t: "tool", at: at(2), turn: 1, name: "Bash", summary: "Bash: npm test" },
    { t: "turn", at: at(5), turn: 1, result: "Done, all tests pass", is_error: false, interrupted: false, usage, duration_ms: 4000, receipt },
    { t: "end", at: at(6), status: "exited", why: "killed" },
  ];
  writeFileSync(join(dir, "journal.jsonl"), entries.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
});
afterAll(async () => {
  await env.cleanup();
});

describe("a turn's receipt", () => {
  it("subagent-mcp logs prints it under its turn, --json keeps the receipt object, --tree marks a SUSPECT turn", async () => {
    const logs = (...args: string[]) => execa(process.execPath, [bin, "logs", AGENT, ...args], { cwd: env.cwd, env: cliEnv, extendEnv: false });
    const lines = (await logs()).stdout.split("\n");
    const at = lines.findIndex((l) => l.includes("turn 1 done in 4000 ms: Done, all tests pass"));
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 8)).toEqual([
      `    ${LINE}`,
      "    $ npm test (exit 1, test)",
      "    $ git status (exit 0)",
      "    file src/a.ts modified +3 -1",
      "    tests failed (1 run, last: npm test)",
      "    permission Bash rm -rf build: deny by orchestrator",
      '    suspect tests_failed: says "all tests pass" but the last test run (npm test) exited 1',
    ]);
    const json = (await logs("--json")).stdout.split("\n").map((l) => JSON.parse(l) as { t: string; receipt?: Receipt });
    expect(json.find((e) => e.t === "turn")?.receipt).toEqual(receipt);
    // The tree marks the turn, and its rows carry the line.
    const tree = await execa(process.execPath, [bin, "logs", "--tree", AGENT], { cwd: env.cwd, env: cliEnv, extendEnv: false });
    expect(tree.stdout).toMatch(/turn 1 .* \[SUSPECT\] {2}Fix the test and run it\./);
    const rows = await execa(process.execPath, [bin, "logs", "--tree", AGENT, "--json"], { cwd: env.cwd, env: cliEnv, extendEnv: false });
    expect(rows.stdout).toContain(JSON.stringify(LINE));
  });

  let dash: DashboardCli | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  it("the dashboard shows it SUSPECT in the agent's detail and its transcript, and its line in the timeline's tooltip", async () => {
    mkdirSync(shots, { recursive: true });
    dash = await startDashboardCli(cliEnv, env.cwd);
    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.setDefaultTimeout(WAIT.timeout);
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
    await page.goto(dash.url);
    await page.locator('[data-testid="connection"]:text-is("live")').waitFor();

    await page.getByTestId(`agent-row-${AGENT}`).click();
    const last = page.locator('[data-testid="agent-receipt-line"][data-suspect="true"]');
    await last.waitFor();
    expect(await last.textContent()).toBe(`SUSPECT ${LINE.slice("SUSPECT: ".length)}`);
    expect(await page.getByTestId("agent-receipt").textContent()).toContain("$ npm test (exit 1, test)");
    expect(await page.locator('[data-testid="turn-receipt-1"][data-suspect="true"]').textContent()).toContain("SUSPECT");
    await page.getByTestId("agent-detail").screenshot({ path: join(shots, "receipt-detail.png") });

    await page.getByTestId(`timeline-${AGENT}`).click();
    const bar = page.getByTestId(`timeline-bar-${AGENT}-1`);
    await bar.hover();
    const tip = page.getByTestId("timeline-tip");
    await tip.filter({ hasText: "Done, all tests pass" }).waitFor();
    expect(await tip.getByTestId("timeline-tip-receipt").getAttribute("data-suspect")).toBe("true");
    expect(await tip.textContent()).toContain(`SUSPECT ${LINE.slice("SUSPECT: ".length)}`);
    expect(await bar.getAttribute("aria-label")).toContain(LINE);
    expect(errors).toEqual([]);
  }, 120_000);

  it("of a real turn: the server journals it, `transcript` returns it and `logs` prints it SUSPECT", async () => {
    const s = await startE2E();
    try {
      const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[say:Done, all tests pass]]" });
      await waitAll(s, [agent_id]);
      const page = await s.call<{ turns: { turn: number; receipt?: Receipt }[] }>("transcript", { agent_id });
      const kept = page.turns[0]?.receipt;
      expect(kept?.suspect?.length).toBeGreaterThan(0);
      const text = (await execa(process.execPath, [bin, "logs", agent_id], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false })).stdout;
      expect(text).toMatch(/turn 1 done in \d+ ms.*: Done, all tests pass\n {4}SUSPECT: /);
    } finally {
      await s.close();
    }
  }, 120_000);
});
