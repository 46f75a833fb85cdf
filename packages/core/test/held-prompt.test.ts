import { describe, expect, it } from "vitest";
import type { Receipt } from "@subagent-mcp/contract";
import { Supervisor, type TurnWitness } from "../src/index.js";
import { FakeClock, FakeDriver } from "./fakes.js";

// A witness that must read an agent's tree before its first turn can write (TurnWitness.begin's
// promise): the supervisor holds the session's prompts until that read is done.

function gatedWitness() {
  let open: () => void = () => undefined;
  const read = new Promise<void>((resolve) => (open = resolve));
  const begun: number[] = [];
  const primed: string[] = [];
  const witness: TurnWitness = {
    prime: (agent) => primed.push(`${agent.id} in ${agent.cwd}`),
    begin: (agent) => {
      begun.push(agent.turn);
      return agent.turn === 1 ? read : undefined;
    },
    see: () => undefined,
    permission: () => undefined,
    end: () => new Promise<Receipt>(() => undefined),
    endNow: () => ({}) as Receipt,
    drop: () => undefined,
  };
  const release = (): void => {
    open();
  };
  return { witness, begun, primed, open: release };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("a new session's first prompt and the witness's read", () => {
  it("reaches the CLI once the read is done, with what was sent meanwhile behind it in order", async () => {
    const { witness, begun, open } = gatedWitness();
    const claude = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude }, clock: new FakeClock(), witness });
    const agent = supervisor.launch({ provider: "claude", cwd: "/w", prompt: "first" });
    supervisor.send(agent.id, "second");
    const session = claude.sessions[0];
    if (session === undefined) throw new Error("no session");
    await flush();
    expect(begun).toEqual([1]);
    expect(session.sent).toEqual([]);
    // What does not start a turn reaches the CLI at once.
    await supervisor.interrupt(agent.id);
    expect(session.interrupted).toBe(1);
    open();
    await flush();
    expect(session.sent).toEqual(["first", "second"]);
    supervisor.send(agent.id, "third");
    expect(session.sent).toEqual(["first", "second", "third"]);
  });

  it("holds the first task of an agent started without a prompt (a pool's warm agent) the same way", async () => {
    const { witness, begun, primed, open } = gatedWitness();
    const claude = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude }, clock: new FakeClock(), witness });
    const agent = supervisor.launch({ provider: "claude", cwd: "/w" });
    const session = claude.sessions[0];
    if (session === undefined) throw new Error("no session");
    // Started with no task: the witness may read its tree ahead, so the held read is quick later.
    expect(primed).toEqual([`${agent.id} in /w`]);
    expect(begun).toEqual([]);
    supervisor.send(agent.id, "task");
    supervisor.send(agent.id, "more");
    await flush();
    expect(begun).toEqual([1]);
    expect(session.sent).toEqual([]);
    open();
    await flush();
    expect(session.sent).toEqual(["task", "more"]);
  });

  it("is sent at once when the witness has nothing to wait for", () => {
    const claude = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude }, clock: new FakeClock() });
    supervisor.launch({ provider: "claude", cwd: "/w", prompt: "first" });
    expect(claude.sessions[0]?.sent).toEqual(["first"]);
  });
});
