import { describe, expect, it } from "vitest";
import type { Receipt } from "@subagent-mcp/contract";
import { Supervisor, type AgentEvent, type TurnClose, type TurnReport, type TurnWitness } from "../src/index.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";

const zero = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

function receipt(suspect = false): Receipt {
  return {
    ended: { how: "end_turn" },
    tools: { calls: 0, by_kind: {}, failed: 0 },
    commands: [],
    permissions: [],
    files: { source: "none", changed: [], total: { files: 0, added: 0, removed: 0 } },
    tests: { runs: 0, verdict: "none" },
    tokens: { input: 0, output: 0 },
    duration_ms: 1,
    ...(suspect ? { suspect: [{ reason: "no_tool_calls", evidence: 'says "done" but ran no tool' }] } : {}),
  };
}

// A witness whose receipts the test hands over: each end waits until `settle`.
class ManualWitness implements TurnWitness {
  readonly begun: { id: string; turn: number; prompt: string | undefined }[] = [];
  readonly seen: AgentEvent["type"][] = [];
  readonly ends: { close: TurnClose; settle: (r: Receipt) => void }[] = [];
  readonly lost: TurnClose[] = [];
  readonly dropped: string[] = [];
  suspect = false;
  begin(agent: { id: string; cwd: string; turn: number; prompt: string | undefined }): void {
    this.begun.push({ id: agent.id, turn: agent.turn, prompt: agent.prompt });
  }
  see(_id: string, event: AgentEvent): void {
    this.seen.push(event.type);
  }
  permission(): void {}
  end(_id: string, close: TurnClose): Promise<Receipt> {
    return new Promise((settle) => this.ends.push({ close, settle }));
  }
  endNow(_id: string, close: TurnClose): Receipt {
    this.lost.push(close);
    return { ...receipt(), ended: { how: close.lost === "killed" ? "killed" : "error" } };
  }
  drop(id: string): void {
    this.dropped.push(id);
  }
}

function setup() {
  const clock = new FakeClock();
  const claude = new FakeDriver("claude");
  const codex = new FakeDriver("codex");
  const witness = new ManualWitness();
  const supervisor = new Supervisor({ drivers: { claude, codex }, clock, witness });
  const reports: TurnReport[] = [];
  supervisor.onTurn((r) => reports.push(r));
  return { claude, codex, witness, supervisor, reports };
}

const at = (driver: FakeDriver, i: number): FakeSession => {
  const s = driver.sessions[i];
  if (s === undefined) throw new Error(`no ${driver.provider} session ${i}`);
  return s;
};
const end = (session: FakeSession, result: string) => {
  session.emit({ type: "turn_end", result, isError: false, usage: zero, durationMs: 1 });
};
const flush = () => new Promise((r) => setImmediate(r));

describe("the supervisor's witness", () => {
  it("a turn is reported only with its receipt, and what its session says meanwhile waits behind it in order", async () => {
    const { claude, witness, supervisor, reports } = setup();
    const agent = supervisor.launch({ provider: "claude", cwd: "/w", prompt: "fix the bug" });
    expect(witness.begun).toEqual([{ id: agent.id, turn: 1, prompt: "fix the bug" }]);
    const session = at(claude, 0);
    session.emit({ type: "tool", name: "Bash", input: {}, kind: "shell", command: "pnpm test" });
    end(session, "done");
    // The next event (say, a queued follow-up's first text) waits behind the turn's end.
    session.emit({ type: "text", delta: "later" });
    expect(supervisor.get(agent.id).status).toBe("processing");
    expect(reports).toEqual([]);
    expect(witness.seen).toEqual(["tool"]);
    witness.ends[0]?.settle(receipt());
    await flush();
    expect(reports).toEqual([expect.objectContaining({ turn: 1, result: "done", receipt: receipt() })]);
    expect(supervisor.get(agent.id).lastTurn?.receipt).toEqual(receipt());
    expect(witness.seen).toEqual(["tool", "text"]);
  });

  it("follow-ups begin their turns with their own prompts, at once on an idle agent or after the turn they waited behind", async () => {
    const { claude, witness, supervisor } = setup();
    const agent = supervisor.launch({ provider: "claude", cwd: "/w", prompt: "one" });
    supervisor.send(agent.id, "two");
    end(at(claude, 0), "1");
    witness.ends[0]?.settle(receipt());
    await flush();
    expect(witness.begun.map((b) => [b.turn, b.prompt])).toEqual([
      [1, "one"],
      [2, "two"],
    ]);
    end(at(claude, 0), "2");
    witness.ends[1]?.settle(receipt());
    await flush();
    expect(supervisor.get(agent.id).status).toBe("finished");
    supervisor.send(agent.id, "three");
    expect(witness.begun.at(-1)).toEqual({ id: agent.id, turn: 3, prompt: "three" });
  });

  it("a killed turn is reported at once with a receipt of what was counted, and the witness forgets the agent", async () => {
    const { witness, supervisor, reports } = setup();
    const agent = supervisor.launch({ provider: "claude", cwd: "/w", prompt: "long job" });
    await supervisor.kill(agent.id);
    expect(witness.lost).toEqual([expect.objectContaining({ lost: "killed" })]);
    expect(reports).toEqual([expect.objectContaining({ receipt: expect.objectContaining({ ended: { how: "killed" } }) as unknown })]);
    expect(witness.dropped).toEqual([agent.id]);
  });

  it("escalate on suspect hands a suspect task to the next candidate, whose receipt lists the attempt's", async () => {
    const { claude, codex, witness, supervisor, reports } = setup();
    const agent = supervisor.launch({
      provider: "claude",
      cwd: "/w",
      prompt: "make the tests pass",
      escalate: { on: "suspect", ladder: [{ provider: "codex", model: "strong" }], task: "make the tests pass" },
    });
    end(at(claude, 0), "Done, all tests pass");
    witness.ends[0]?.settle(receipt(true));
    await flush();
    const view = supervisor.get(agent.id);
    expect(view).toMatchObject({ provider: "codex", status: "processing" });
    expect(view.attempts[0]).toMatchObject({ kind: "escalation", reason: 'its answer was suspect: says "done" but ran no tool' });
    expect(at(codex, 0).sent.join("\n")).toContain('What it did does not back that answer: says "done" but ran no tool');
    end(at(codex, 0), "fixed it");
    witness.ends[1]?.settle(receipt());
    await flush();
    const final = reports.filter((r) => r.superseded === undefined);
    expect(final).toHaveLength(1);
    expect(final[0]?.receipt?.attempts).toEqual([
      expect.objectContaining({ provider: "claude", suspect: [expect.objectContaining({ reason: "no_tool_calls" })] }),
    ]);
  });

  it("without a witness nothing waits and reports carry no receipt", () => {
    const clock = new FakeClock();
    const claude = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude }, clock });
    const reports: TurnReport[] = [];
    supervisor.onTurn((r) => reports.push(r));
    supervisor.launch({ provider: "claude", cwd: "/w", prompt: "p" });
    end(at(claude, 0), "ok");
    expect(reports).toHaveLength(1);
    expect(reports[0]?.receipt).toBeUndefined();
  });
});
