import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SpendLedger, type LedgerEntry, type SharedSpend } from "@subagent-mcp/usage";
import { launchGated, poolDefinition, serverHarness, type ServerHarness } from "./harness.js";

// A pool task or a follow-up cannot pass a spend cap or quota_percent: each is refused before its
// turn starts, as a launch is, since its agent's provider is the only one it can run on.

let h: ServerHarness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// A spend ledger in a private temp state folder, with `turns` claude turns another server recorded today.
function ledgerWith(turns: number): SpendLedger {
  const dir = mkdtempSync(join(tmpdir(), "held-agents-"));
  dirs.push(dir);
  const ledger = new SpendLedger(join(dir, "spend.jsonl"));
  for (let i = 0; i < turns; i++) ledger.append({ at: new Date().toISOString(), provider: "claude", agent: `elsewhere-${i}` });
  return ledger;
}

// The fleet's spend stream as a server sees it: the other machines' turns that `arrive` are read in
// only by its next ready() (one turn of the event loop later), as a first read of Redis is.
function lateStream(): { shared: SharedSpend; arrive: (provider: string) => void } {
  const read: LedgerEntry[] = [];
  const arrived: LedgerEntry[] = [];
  const shared: SharedSpend = {
    record: () => undefined,
    entries: () => [...read],
    ready: () =>
      new Promise((resolve) =>
        setImmediate(() => {
          read.push(...arrived.splice(0));
          resolve();
        }),
      ),
  };
  const arrive = (provider: string): void => {
    const at = new Date();
    arrived.push({ at: at.toISOString(), ms: at.getTime(), provider, agent: "on-another-machine" });
  };
  return { shared, arrive };
}

describe("spend caps and quota_percent hold the pool and follow-ups", () => {
  it("invoke and warmup of a pool agent whose provider a spend cap holds are refused naming the cap; others run", async () => {
    const ledger = ledgerWith(1);
    const definitions = [poolDefinition("claudia", "claude"), poolDefinition("cody", "codex")];
    h = await serverHarness({
      server: { definitions: () => ({ definitions, problems: [] }), spend: { ledger: ledger.path, caps: { claude: { day_turns: 1 } } } },
    });
    expect(await h.callError("invoke", { agent: "claudia", task: "a task" })).toContain("spend cap claude day_turns 1 reached");
    expect(await h.callError("warmup", { agent: "claudia" })).toContain("spend cap claude day_turns 1 reached");
    expect(h.fakes.claude.requests).toEqual([]);
    const done = await h.call<{ status: string }>("invoke", { agent: "cody", task: "a task" });
    expect(done.status).toBe("done");
  });

  it("invoke, warmup, send_message and resume_agent read the fleet's spend stream before their cap check, as launch_agent does", async () => {
    const { shared, arrive } = lateStream();
    const dir = mkdtempSync(join(tmpdir(), "held-agents-"));
    dirs.push(dir);
    const definitions = [poolDefinition("claudia", "claude")];
    h = await serverHarness({
      server: {
        definitions: () => ({ definitions, problems: [] }),
        journal: { dir: join(dir, "agents") },
        spend: { ledger: join(dir, "spend.jsonl"), caps: { claude: { day_turns: 2 } }, shared },
      },
    });
    const { agent_id } = await h.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "one" });
    await h.call("wait", { agent_ids: [agent_id], timeout_s: 60 });
    // Another machine's turn, on the stream and not yet read: only a check that waits for the read sees the cap reached.
    arrive("claude");
    const asked = h.fakes.claude.requests.length;
    expect(await h.callError("send_message", { agent_id, message: "more" })).toContain("spend cap claude day_turns 2 reached");
    await h.call("kill_agent", { agent_id });
    arrive("codex");
    arrive("claude");
    expect(await h.callError("resume_agent", { agent_id })).toContain("spend cap claude day_turns 2 reached: 3 turns today");
    arrive("claude");
    expect(await h.callError("invoke", { agent: "claudia", task: "a task" })).toContain("spend cap claude day_turns 2 reached: 4 turns today");
    arrive("claude");
    expect(await h.callError("warmup", { agent: "claudia" })).toContain("spend cap claude day_turns 2 reached: 5 turns today");
    expect(h.fakes.claude.requests.length).toBe(asked);
  });

  it("a pool agent whose provider reported a window past quota_percent is refused, saying the window", async () => {
    const definitions = [poolDefinition("cody", "codex")];
    h = await serverHarness({ server: { definitions: () => ({ definitions, problems: [] }), quotaPercent: 90 } });
    const first = await h.call<{ status: string }>("invoke", { agent: "cody", task: "[[ratelimit:95]] a task" });
    expect(first.status).toBe("done");
    expect(await h.callError("invoke", { agent: "cody", task: "another task" })).toMatch(
      /launch held by quota_percent: codex's primary window is 95 % used, at or past quota_percent 90; it resets at/,
    );
    expect(await h.callError("warmup", { agent: "cody" })).toContain("launch held by quota_percent");
  });

  it("send_message to an idle agent on a provider a spend cap holds is refused naming the cap, raise_budget or not", async () => {
    const ledger = ledgerWith(0);
    h = await serverHarness({ server: { spend: { ledger: ledger.path, caps: { claude: { day_turns: 2 } } } } });
    const { agent_id } = await h.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "one" });
    const waited = await h.call<{ finished: { agent_id: string }[] }>("wait", { agent_ids: [agent_id], timeout_s: 60 });
    expect(waited.finished.map((f) => f.agent_id)).toEqual([agent_id]);
    // Another server's turn reaches the cap after this agent's turn ended under it.
    ledger.append({ at: new Date().toISOString(), provider: "claude", agent: "elsewhere" });
    const asked = h.fakes.claude.requests.length;
    expect(await h.callError("send_message", { agent_id, message: "more" })).toContain("spend cap claude day_turns 2 reached");
    expect(await h.callError("send_message", { agent_id, message: "more", raise_budget: { max_turns: 10 } })).toContain("spend cap claude day_turns 2 reached");
    expect(h.fakes.claude.requests.length).toBe(asked);
    expect((await h.call<{ status: string }>("poll_agent", { agent_id })).status).toBe("finished");
  });

  it("a message queued behind a running turn is not sent once a spend cap holds its provider: the agent parks in budget_exceeded naming the cap", async () => {
    const ledger = ledgerWith(0);
    h = await serverHarness({ server: { spend: { ledger: ledger.path, caps: { claude: { day_turns: 2 } } } } });
    const { agent_id, gate } = await launchGated(h);
    const queued = await h.call<{ queued_messages: number }>("send_message", { agent_id, message: "[[say:the queued one]]" });
    expect(queued.queued_messages).toBe(1);
    // Another server's turn: with this agent's running one, the day's two turns are spent when it ends.
    ledger.append({ at: new Date().toISOString(), provider: "claude", agent: "elsewhere" });
    writeFileSync(gate, "");
    await h.call("wait", { agent_ids: [agent_id], timeout_s: 60 });
    const polled = await h.call<{ status: string; queued_messages: number }>("poll_agent", { agent_id });
    expect(polled).toMatchObject({ status: "budget_exceeded", queued_messages: 0 });
    expect(JSON.stringify(polled), JSON.stringify(polled)).toContain("spend cap claude day_turns 2 reached: 2 turns today");
    expect(h.fakes.claude.requests.filter((r) => r.lastUserText.includes("the queued one"))).toEqual([]);
  });

  it("without a cap reached, a message queued behind a running turn is answered after it", async () => {
    const ledger = ledgerWith(0);
    h = await serverHarness({ server: { spend: { ledger: ledger.path, caps: { claude: { day_turns: 5 } } } } });
    const { agent_id, gate } = await launchGated(h);
    await h.call("send_message", { agent_id, message: "[[say:the queued one]]" });
    writeFileSync(gate, "");
    await h.fakes.claude.waitForRequest((r) => r.lastUserText.includes("the queued one"), "the queued message", 60_000);
    // Both turns' reports, each once: the queued one's answered after the first.
    const results: string[] = [];
    while (!results.some((r) => r.includes("the queued one"))) {
      const out = await h.call<{ finished: { result: string }[] }>("wait", { agent_ids: [agent_id], timeout_s: 60 });
      results.push(...out.finished.map((f) => f.result));
    }
    expect(results).toHaveLength(2);
    expect((await h.call<{ status: string }>("poll_agent", { agent_id })).status).toBe("finished");
  });
});
