import { describe, expect, expectTypeOf, it } from "vitest";
import { sessionSpecOf, Supervisor, type Driver, type LaunchOnly, type LaunchRequest } from "../src/index.js";
import { FakeClock, FakeDriver } from "./fakes.js";

// What a driver is started with: a launch's own fields (LaunchOnly) must never be part of it.
type StartSpec = Parameters<Driver["start"]>[0];

describe("a launch's own fields never reach driver.start", () => {
  it("by type: no field of LaunchOnly is a field of the spec a driver starts with", () => {
    expectTypeOf<Extract<keyof LaunchOnly, keyof StartSpec>>().toBeNever();
    expectTypeOf(sessionSpecOf).returns.toEqualTypeOf<StartSpec>();
    const request: LaunchRequest = { provider: "claude", cwd: "/w", budget: { max_turns: 1 }, escalate: { on: "error", ladder: [], task: "t" } };
    expectTypeOf(sessionSpecOf(request)).not.toHaveProperty("budget");
    // @ts-expect-error a launch's budget is the supervisor's: its session never sees it
    const { budget, escalate } = sessionSpecOf(request);
    expect([budget, escalate]).toEqual([undefined, undefined]);
  });

  it("by value: a launch with every one of them set starts its driver with none of them", async () => {
    const driver = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock: new FakeClock() });
    // Required<>: a field added to LaunchOnly must be set here, so it is checked too.
    const launchOnly: Required<LaunchOnly> = {
      provider: "claude",
      id: "a1",
      fallbacks: [],
      calledIn: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      prompt: "hello",
      label: "l",
      pinned: true,
      permissionPolicy: () => ({ decision: "allow", why: "test" }),
      prepare: () => Promise.resolve(undefined),
      budget: { max_turns: 5 },
      placement: { machine: "m1", driver },
      priorTurns: 2,
      escalate: { on: "error", ladder: [], task: "t" },
      review: { provider: "codex" },
    };
    supervisor.launch({ ...launchOnly, cwd: "/w", model: "m", allowedTools: ["Read"] });
    await expect.poll(() => driver.sessions.length).toBe(1);
    const spec = driver.sessions[0]?.spec ?? {};
    expect(Object.keys(spec).filter((field) => field in launchOnly)).toEqual([]);
    expect(spec).toMatchObject({ cwd: "/w", model: "m", allowedTools: ["Read"] });
    await supervisor.shutdown();
  });

  it("the agent's id goes beside the spec: a driver that runs it elsewhere can name it there (a pool's replica has no lineage that does)", async () => {
    const inner = new FakeDriver("claude");
    const told: (string | undefined)[] = [];
    const driver: Driver = {
      provider: "claude",
      start: (spec, onEvent, agentId) => {
        told.push(agentId);
        return inner.start(spec, onEvent);
      },
    };
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock: new FakeClock() });
    const { id } = supervisor.launch({ provider: "claude", cwd: "/w", prompt: "hi" });
    await expect.poll(() => told).toEqual([id]);
    expect(inner.sessions[0]?.spec).not.toHaveProperty("agentId");
    await supervisor.shutdown();
  });
});
