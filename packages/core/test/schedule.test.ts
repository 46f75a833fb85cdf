import { describe, expect, it } from "vitest";
import { Supervisor } from "../src/index.js";
import { FakeClock, FakeDriver } from "./fakes.js";

// A server answers a launch before the CLI is spawned: the supervisor hands the start to `schedule`.
function setup() {
  const starts: (() => void)[] = [];
  const driver = new FakeDriver("claude");
  const supervisor = new Supervisor({ drivers: { claude: driver }, clock: new FakeClock(), schedule: (start) => starts.push(start) });
  return { starts, driver, supervisor };
}

describe("a scheduled start", () => {
  it("answers the launch before the CLI starts, then starts it with the prompt and what was sent meanwhile", () => {
    const { starts, driver, supervisor } = setup();
    const view = supervisor.launch({ provider: "claude", prompt: "first", cwd: "/tmp" });
    expect(view).toMatchObject({ status: "processing", alive: true });
    expect(driver.sessions).toHaveLength(0);
    supervisor.send(view.id, "second");
    for (const start of starts.splice(0)) start();
    expect(driver.sessions).toHaveLength(1);
    expect(driver.sessions[0]?.sent).toEqual(["first", "second"]);
  });

  it("never starts an agent killed before its turn came", async () => {
    const { starts, driver, supervisor } = setup();
    const view = supervisor.launch({ provider: "claude", prompt: "x", cwd: "/tmp" });
    await supervisor.kill(view.id);
    for (const start of starts.splice(0)) start();
    expect(driver.sessions).toHaveLength(0);
    expect(supervisor.get(view.id).alive).toBe(false);
  });
});
