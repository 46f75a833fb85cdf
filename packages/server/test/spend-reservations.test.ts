import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { launchGated, poolDefinition, serverHarness, type ServerHarness } from "./harness.js";

// Each turn that starts under a spend cap is reserved in the spend ledger until its line replaces it:
// follow-ups and pool tasks sent at once cannot together pass a cap, and a launch that fails after
// its reservation gives it back.

let h: ServerHarness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function ledgerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "spend-reservations-"));
  dirs.push(dir);
  return join(dir, "spend.jsonl");
}

const ledgerLines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// The outcome of each call: its structured content, or its error text.
async function settle(h: ServerHarness, calls: [string, Record<string, unknown>][]): Promise<({ ok: Record<string, unknown> } | { error: string })[]> {
  return Promise.all(
    calls.map(([name, args]) =>
      h.call(name, args).then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error: String(error) }),
      ),
    ),
  );
}

describe("turns reserved under the spend caps", () => {
  it("two follow-ups at once with room for one turn: one runs, the other is refused naming the turn under way", async () => {
    const ledger = ledgerPath();
    h = await serverHarness({ server: { spend: { ledger, caps: { claude: { day_turns: 3 } } } } });
    const ids: string[] = [];
    for (const prompt of ["one", "two"]) {
      const { agent_id } = await h.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt });
      await h.call("wait", { agent_ids: [agent_id], timeout_s: 60 });
      ids.push(agent_id);
    }
    const outcomes = await settle(h, [
      ["send_message", { agent_id: ids[0], message: "[[say:follow-up a]]" }],
      ["send_message", { agent_id: ids[1], message: "[[say:follow-up b]]" }],
    ]);
    expect(outcomes.filter((o) => "ok" in o)).toHaveLength(1);
    expect(outcomes.find((o) => "error" in o)).toEqual({
      error: expect.stringContaining("spend cap claude day_turns 3 reached: 2 turns today and 1 under way") as unknown,
    });
    const ran = ids[outcomes.findIndex((o) => "ok" in o)] as string;
    await h.call("wait", { agent_ids: [ran], timeout_s: 60 });
    expect(h.fakes.claude.requests.filter((r) => r.lastUserText.includes("follow-up"))).toHaveLength(1);
    // Each turn's line replaced the reservation it ran on: none is left.
    const lines = ledgerLines(ledger);
    const reserved = lines.filter((l) => "reserve" in l).map((l) => l.reserve);
    const replaced = lines.filter((l) => "provider" in l && !("reserve" in l)).map((l) => l.reservation);
    expect(replaced).toHaveLength(3);
    expect(reserved.filter((r) => !replaced.includes(r) && !lines.some((l) => l.release === r))).toEqual([]);
  });

  it("two pool tasks at once under day_turns 1: one runs, the other is refused", async () => {
    const ledger = ledgerPath();
    const definitions = [poolDefinition("claudia", "claude"), poolDefinition("clara", "claude")];
    h = await serverHarness({ server: { definitions: () => ({ definitions, problems: [] }), spend: { ledger, caps: { claude: { day_turns: 1 } } } } });
    const outcomes = await settle(h, [
      ["invoke", { agent: "claudia", task: "[[say:task a]]" }],
      ["invoke", { agent: "clara", task: "[[say:task b]]" }],
    ]);
    expect(outcomes.filter((o) => "ok" in o)).toEqual([{ ok: expect.objectContaining({ status: "done" }) as unknown }]);
    expect(outcomes.find((o) => "error" in o)).toEqual({
      error: expect.stringMatching(/spend cap claude day_turns 1 reached: (0 turns today and 1 under way|1 turn today)/) as unknown,
    });
    expect(h.fakes.claude.requests.filter((r) => r.lastUserText.includes("task "))).toHaveLength(1);
  });

  it("a follow-up held behind a running turn has its own turn reserved as that turn ends, and its line replaces it", async () => {
    const ledger = ledgerPath();
    h = await serverHarness({ server: { spend: { ledger, caps: { claude: { day_turns: 5 } } } } });
    const { agent_id, gate } = await launchGated(h);
    await h.call("send_message", { agent_id, message: "[[say:the held one]]" });
    writeFileSync(gate, "");
    await h.fakes.claude.waitForRequest((r) => r.lastUserText.includes("the held one"), "the held follow-up", 60_000);
    // Both turns reported: each one's line is in.
    for (let reported = 0; reported < 2;) reported += (await h.call<{ finished: unknown[] }>("wait", { agent_ids: [agent_id], timeout_s: 60 })).finished.length;
    const lines = ledgerLines(ledger);
    const turns = lines.filter((l) => l.agent === agent_id);
    expect(turns).toHaveLength(2);
    const reserved = lines.filter((l) => "reserve" in l).map((l) => l.reserve);
    expect(turns.map((t) => reserved.indexOf(t.reservation))).toEqual([0, 1]);
  });

  it("a launch refused after its turn was reserved gives it back", async () => {
    const ledger = ledgerPath();
    h = await serverHarness({ server: { spend: { ledger, caps: { claude: { day_turns: 1 } } } } });
    // Not a git repository: the worktree is refused after the candidate was placed and its turn reserved.
    const outside = mkdtempSync(join(tmpdir(), "not-a-repo-"));
    dirs.push(outside);
    expect(await h.callError("launch_agent", { provider: "claude", prompt: "one", cwd: outside, isolation: "worktree" })).not.toContain("spend cap");
    const { agent_id } = await h.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "two" });
    await h.call("wait", { agent_ids: [agent_id], timeout_s: 60 });
    expect(ledgerLines(ledger).filter((l) => "release" in l)).toHaveLength(1);
  });
});
