import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";

// Budgets through the built CLI with the real CLIs: an agent's own limits stop its turn and keep
// what it wrote; the session's budget refuses the next launch; Codex and Gemini turns are priced.

interface Budget {
  limits: Record<string, number>;
  spent: { cost_usd?: number; tokens: number; turns: number; seconds: number };
  warnings?: string[];
  exceeded?: string;
}
interface Finished {
  agent_id: string;
  result: string;
  interrupted: boolean;
  budget_note?: string;
}

let s: E2E;
let configHome: string;

async function finish(id: string): Promise<Finished> {
  for (;;) {
    const out = await s.call<{ finished: Finished[]; still_running: string[] }>("wait", { agent_ids: [id], timeout_s: 60 });
    const done = out.finished.find((f) => f.agent_id === id);
    if (done !== undefined) return done;
    if (!out.still_running.includes(id)) throw new Error(`nothing more to wait for: ${JSON.stringify(out)}`);
  }
}

beforeAll(async () => {
  configHome = mkdtempSync(join(tmpdir(), "e2e-budget-config-"));
  mkdirSync(join(configHome, "subagent-mcp"), { recursive: true });
  // The session budget: four turns over all of this server's agents.
  writeFileSync(join(configHome, "subagent-mcp", "config.json"), JSON.stringify({ budgets: { session: { max_turns: 4 } } }));
  s = await startE2E({ XDG_CONFIG_HOME: configHome });
}, 60_000);

afterAll(async () => {
  await s.close();
  rmSync(configHome, { recursive: true, force: true });
});

describe("budgets with the real CLIs", () => {
  it("a max_tokens budget interrupts a slow turn, keeps what it wrote, and holds the agent until raised", async () => {
    // The fake echoes up to 500 characters of the prompt, streamed over 20 s: about 130 tokens, 40 reached a third of the way.
    const long = "word ".repeat(100);
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: `[[slow:20000]] ${long}`,
      budget: { max_tokens: 40 },
    });
    const turn = await finish(agent_id);
    expect(turn.interrupted).toBe(true);
    // What it wrote before the stop is kept, and the turn ended well before the 20 s the model would take.
    expect(turn.result).toContain(`${s.fakes.claude.nonce} echo:`);
    expect(turn.result).not.toContain(long.trim());
    expect(turn.result).toMatch(/\[stopped: budget max_tokens 40 tokens: \d+ tokens spent/);
    expect(turn.budget_note).toMatch(/^stopped at its budget: max_tokens/);
    const polled = await s.call<{ status: string; alive: boolean; budget: Budget; hint?: string }>("poll_agent", { agent_id });
    expect(polled).toMatchObject({ status: "budget_exceeded", alive: true });
    expect(polled.budget.exceeded).toMatch(/^max_tokens 40 tokens/);
    expect(polled.hint).toMatch(/raise_budget/);
    const refused = await s.client.callTool({ name: "send_message", arguments: { agent_id, message: "go on" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/stopped at its budget/);
    await s.call("send_message", { agent_id, message: "go on", raise_budget: { max_tokens: 1_000_000 } });
    // Claude Code tells the model the last request was interrupted; the follow-up comes after that.
    expect((await finish(agent_id)).result).toMatch(new RegExp(`^${s.fakes.claude.nonce} echo: [\\s\\S]*go on`));
  }, 120_000);

  it("prices Codex and Gemini turns from their tokens, then the session budget refuses the next launch", async () => {
    const launched = await Promise.all(
      (["codex", "gemini"] as const).map((provider) =>
        s.call<{ agent_id: string }>("launch_agent", { provider, prompt: "hello", budget: { max_cost_usd: 100 } }),
      ),
    );
    for (const { agent_id } of launched) {
      await finish(agent_id);
      const { budget } = await s.call<{ budget: Budget }>("poll_agent", { agent_id });
      expect(budget.spent.cost_usd).toBeGreaterThan(0);
      expect(budget.spent.tokens).toBeGreaterThan(0);
    }
    // Four turns so far (two above, two here): the session's max_turns is spent.
    const refused = await s.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "one more" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/the session budget is spent \(max_turns 4 turns: 4 turns spent/);
  }, 120_000);
});
