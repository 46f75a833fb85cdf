import { appendFileSync, chownSync } from "node:fs";
import { stateLayout } from "@subagent-mcp/state";
import { SpendLedger } from "@subagent-mcp/usage";
import { afterEach, describe, expect, it } from "vitest";
import type { DashboardState } from "@subagent-mcp/contract";
import { openEvents, setup, type Setup } from "./helpers.js";

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const turn = (cost_usd: number) => ({ at: new Date().toISOString(), provider: "claude", model: "sonnet", cost_usd });
// The page looks at mail and presence this seldom: a change seen sooner came through the state folder's watch.
const NO_POLL = 600_000;

describe("spend caps on the page", () => {
  it("shows each cap's spent / cap / left and reset, updated as turns end, a reached one marked", async () => {
    s = await setup({}, NO_POLL, { spendCaps: { claude: { day_usd: 1, day_turns: 5 } } });
    const events = await openEvents(s.at("/api/events"));
    try {
      const first = await events.next();
      expect(first.caps).toEqual([
        { cap: "claude", limit: "day_usd", spent: 0, of: 1, left: 1, resets_at: expect.stringMatching(/T00:00:00\.000Z$/) as unknown, reached: false },
        { cap: "claude", limit: "day_turns", spent: 0, of: 5, left: 5, resets_at: expect.stringMatching(/T00:00:00\.000Z$/) as unknown, reached: false },
      ]);
      // Two turns another server (or a worker) ended: appended to the ledger, pushed without a poll.
      const ledger = new SpendLedger(stateLayout(s.stateDir).spend);
      ledger.append(turn(0.75));
      ledger.append({ at: new Date().toISOString(), provider: "claude" });
      const after = await events.next((st) => st.caps?.[1]?.spent === 2);
      expect(after.caps?.map((c) => [c.limit, c.spent, c.left, c.reached, c.unknown_cost_turns])).toEqual([
        ["day_usd", 0.75, 0.25, false, 1],
        ["day_turns", 2, 3, false, undefined],
      ]);
      ledger.append(turn(0.5));
      const reached = await events.next((st) => st.caps?.[0]?.reached === true);
      expect(reached.caps?.[0]).toMatchObject({ spent: 1.25, left: 0, reached: true });
    } finally {
      events.close();
    }
  });

  it("on a fleet, counts the other machines' turns too", async () => {
    const elsewhere = [{ ...turn(0.4), ms: Date.now() }];
    const shared = { record: () => undefined, entries: () => elsewhere, ready: () => Promise.resolve() };
    s = await setup({}, NO_POLL, { spendCaps: { claude: { day_usd: 1 } }, sharedSpend: shared });
    new SpendLedger(stateLayout(s.stateDir).spend).append(turn(0.25));
    const state = (await (await fetch(s.at("/api/state"))).json()) as DashboardState;
    expect(state.caps?.[0]).toMatchObject({ cap: "claude", limit: "day_usd", spent: 0.65, left: 0.35, reached: false });
  });

  it("shows the turns under way with the caps, and the ledger's lines that are not ours beside them", async () => {
    s = await setup({}, NO_POLL, { spendCaps: { claude: { day_turns: 1 } } });
    const path = stateLayout(s.stateDir).spend;
    const ledger = new SpendLedger(path);
    ledger.reserve({ provider: "claude" });
    const future = new Date(Date.now() + 3600_000).toISOString();
    appendFileSync(path, `not json\n${JSON.stringify({ at: future, provider: "claude" })}\n`);
    const state = (await (await fetch(s.at("/api/state"))).json()) as DashboardState;
    expect(state.caps?.[0]).toMatchObject({ cap: "claude", limit: "day_turns", spent: 0, reserved: 1, left: 0, reached: true });
    expect(state.cap_problems).toEqual(["spend.jsonl line 2: not JSON", `spend.jsonl line 3: dated ${future}, in the future`]);
  });

  it("has no caps without spend_caps", async () => {
    s = await setup();
    const state = (await (await fetch(s.at("/api/state"))).json()) as DashboardState;
    expect(state.caps).toBeUndefined();
  });

  it.runIf(process.getuid?.() === 0)("says so when another user can write the ledger, and shows no caps", async () => {
    s = await setup({}, NO_POLL, { spendCaps: { claude: { day_turns: 5 } } });
    const path = stateLayout(s.stateDir).spend;
    new SpendLedger(path).append(turn(0.1));
    chownSync(path, 65534, 65534);
    const state = (await (await fetch(s.at("/api/state"))).json()) as DashboardState;
    expect(state.caps).toBeUndefined();
    expect(state.errors).toContainEqual(expect.stringContaining(`spend caps: ${path} can be written by another user`));
  });
});
