import { describe, expect, it } from "vitest";
import type { AgentRecord, TurnReport } from "../src/lifecycle/agent.js";
import { Waiters } from "../src/supervisor/waiters.js";
import { FakeClock } from "./fakes.js";

// Just what a wait reads of a record: its unreported turns, unannounced requests, status and permissions.
function record(status: string): AgentRecord {
  return { unreported: [] as TurnReport[], unannounced: [] as string[], state: { status, permissions: [] } } as unknown as AgentRecord;
}

describe("waits, re-checked by the agent that changed", () => {
  it("checks only the waits on the agent that changed: one agent's event costs one check however many others wait", async () => {
    const records = new Map<string, AgentRecord>();
    for (let i = 0; i < 50; i += 1) records.set(`a${String(i)}`, record("processing"));
    let lookups = 0;
    const waiters = new Waiters(new FakeClock(), (id) => {
      lookups += 1;
      return records.get(id);
    });
    const waits = [...records.keys()].map((id) => waiters.wait({ ids: [id], mode: "any", timeoutMs: 60_000 }));
    lookups = 0;
    // An event of a7 that leaves it running: only its own wait is looked at.
    waiters.notify("a7");
    expect(lookups).toBeLessThanOrEqual(2);
    // Its turn ends: its wait returns with the report; the others go on waiting.
    const a7 = records.get("a7") as AgentRecord;
    a7.unreported.push({ turn: 1 } as TurnReport);
    (a7.state as { status: string }).status = "idle";
    lookups = 0;
    waiters.notify("a7");
    expect(lookups).toBeLessThanOrEqual(4);
    expect((await waits[7])?.finished).toEqual([{ turn: 1 }]);
    // Without an agent named, every pending wait is re-checked (all still running: none returns).
    lookups = 0;
    waiters.notify();
    expect(lookups).toBeGreaterThanOrEqual(49);
  });

  it("returns a wait on several agents in mode all once the last of them changes", async () => {
    const records = new Map([
      ["x", record("processing")],
      ["y", record("processing")],
    ]);
    const waiters = new Waiters(new FakeClock(), (id) => records.get(id));
    let done = false;
    const wait = waiters.wait({ ids: ["x", "y"], mode: "all", timeoutMs: 60_000 }).then((r) => {
      done = true;
      return r;
    });
    (records.get("x")?.state as { status: string }).status = "idle";
    waiters.notify("x");
    await Promise.resolve();
    expect(done).toBe(false);
    (records.get("y")?.state as { status: string }).status = "idle";
    waiters.notify("y");
    expect((await wait).stillRunning).toEqual([]);
  });
});
