import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin, connectServer, startE2E, waitFor, withUserConfig, type E2E, type Served } from "./e2e.js";

// Launches at once under a spend cap with room for one turn: the built server with the real Claude
// Code on its fake. Each turn is reserved in the state folder's spend ledger before it starts, so
// exactly one runs whether the launches race in one server or in two; `usage --caps` shows the turn
// under way, and the ledger's lines that are not ours.

let e: E2E | undefined;
const others: Served[] = [];
afterEach(async () => {
  for (const o of others.splice(0)) await o.close();
  await e?.close();
  e = undefined;
});

const CAPS = { spend_caps: { claude: { day_turns: 1 } } };
// Another server's refused reservation counts for a moment, until it is given back: "and 2 under way" is possible.
const HELD = /spend cap claude day_turns 1 reached: (0 turns today and \d under way|1 turn today)/;

interface Outcome {
  index: number;
  agent_id?: string;
  error?: string;
}

// One launch_agent on `client`, each with its own mark in a slow prompt (the turn stays under way until killed).
async function launch(client: Client, index: number): Promise<Outcome> {
  const result = await client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: `[[slow:600000]] launch number ${index}` } });
  if (result.isError === true) return { index, error: JSON.stringify(result.content) };
  return { index, agent_id: (result.structuredContent as { agent_id: string }).agent_id };
}

// Which launches' prompts reached the model.
function asked(s: E2E): Set<string> {
  return new Set(s.fakes.claude.requests.flatMap((r) => /launch number (\d+)/.exec(r.lastUserText)?.[1] ?? []));
}

async function usageCaps(s: E2E, json: boolean): Promise<string> {
  const run = await execa(process.execPath, [bin, "usage", "--caps", ...(json ? ["--json"] : [])], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
  return run.stdout;
}

// The one launch that ran: its prompt reached the model (alone), and its turn is under way.
async function onlyOneRan(s: E2E, outcomes: Outcome[]): Promise<string> {
  const ran = outcomes.filter((o) => o.agent_id !== undefined);
  expect(ran).toHaveLength(1);
  for (const o of outcomes.filter((o) => o.error !== undefined)) expect(o.error).toMatch(HELD);
  const only = ran[0] as Outcome;
  await s.fakes.claude.waitForRequest((r) => r.lastUserText.includes(`launch number ${only.index}`), "the launch that ran", 60_000);
  expect([...asked(s)]).toEqual([String(only.index)]);
  return only.agent_id as string;
}

describe("launches racing under a spend cap", () => {
  it("six launch_agent calls at once under day_turns 1: exactly one runs, the others are refused with the numbers", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E({}, withUserConfig(CAPS)));
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => launch(s.client, i)));
    const agent = await onlyOneRan(s, outcomes);

    // While its turn is under way, `usage --caps` counts it as reserved.
    const during = JSON.parse(await usageCaps(s, true)) as { caps: Record<string, unknown>[] };
    expect(during.caps).toEqual([expect.objectContaining({ cap: "claude", limit: "day_turns", spent: 0, reserved: 1, left: 0, reached: true })]);
    expect(await usageCaps(s, false)).toContain("claude day_turns: 0 / 1 (1 held by turns under way), 0 left (reached)");

    // Ended, its turn's line replaces the reservation.
    await s.call("kill_agent", { agent_id: agent });
    const ledgerPath = join(s.serverEnv.XDG_STATE_HOME as string, "subagent-mcp", "spend.jsonl");
    const after = JSON.parse(await usageCaps(s, true)) as { caps: Record<string, unknown>[]; problems?: unknown };
    expect(after.caps).toEqual([expect.objectContaining({ spent: 1, left: 0, reached: true })]);
    expect(after.caps[0]).not.toHaveProperty("reserved");
    expect(after).not.toHaveProperty("problems");
    const turns = readFileSync(ledgerPath, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => "provider" in l && !("reserve" in l));
    expect(turns).toEqual([expect.objectContaining({ provider: "claude", agent, reservation: expect.any(String) as unknown })]);

    // Lines no process of ours wrote are never counted, and always said.
    const future = new Date(Date.now() + 3600_000).toISOString();
    appendFileSync(ledgerPath, `{"at":"${future}","provider":"claude"}\n{"at":"${new Date().toISOString()}","provider":"claude","cost_usd":-3}\nnot json\n`);
    const told = JSON.parse(await usageCaps(s, true)) as { caps: Record<string, unknown>[]; problems: { count: number; shown: unknown[] } };
    expect(told.caps[0]).toMatchObject({ spent: 1 });
    expect(told.problems.count).toBe(3);
    const text = await usageCaps(s, false);
    expect(text).toContain("spend ledger: 3 line(s) not counted (not written by subagent-mcp, or cut):");
    expect(text).toContain(`in the future`);
    expect(text).toContain("cost_usd: a negative cost");
    expect(text).toContain("not JSON");
  });

  it("an escalation whose rung's room a launch took since is stopped as it starts, naming the cap", { timeout: 180_000 }, async () => {
    const [cheap, strong] = [
      { provider: "codex", model: "gpt-6-luna" },
      { provider: "claude", model: "opus" },
    ];
    const table = { routing: { table: { coding: { cost_efficiency: [cheap, strong], performance: [strong] } } } };
    const s = (e = await startE2E({}, withUserConfig({ ...table, ...CAPS })));
    // Codex's first turn takes a while, and its check fails: the task escalates to claude, whose one turn of the day has room at launch.
    const task = await s.call<{ agent_id: string; escalation: unknown }>("launch_agent", {
      task_category: "coding",
      prompt: "[[slow:15000]] write the parser",
      escalate: { on: "check", check: "echo CHECK-SAYS no; exit 1", max_steps: 1 },
    });
    expect(task.escalation).toMatchObject({ ladder: [{ provider: "claude", model: "opus" }] });
    // Meanwhile a launch on claude takes that room.
    const hog = await launch(s.client, 0);
    expect(hog.agent_id).toBeDefined();
    await waitFor(s, task.agent_id, (out) => out.finished[0]);
    const polled = await s.call<{ status: string; provider: string }>("poll_agent", { agent_id: task.agent_id });
    expect(polled).toMatchObject({ status: "budget_exceeded", provider: "claude" });
    expect(JSON.stringify(polled)).toMatch(HELD);
  });

  it("two servers of the user racing three launches each under day_turns 1: exactly one runs", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E({}, withUserConfig(CAPS)));
    const second = await connectServer(s.serverEnv, s.env.cwd, "second");
    others.push(second);
    const outcomes = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => launch(i < 3 ? s.client : second.client, i)));
    await onlyOneRan(s, outcomes);
  });
});
