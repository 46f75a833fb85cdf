import type { AgentEvent } from "@subagent-mcp/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness.js";

const isStarted = (e: AgentEvent): e is Extract<AgentEvent, { type: "started" }> => e.type === "started";
const isError = (e: AgentEvent): e is Extract<AgentEvent, { type: "error" }> => e.type === "error";

// OpenCode takes no model flag: the driver picks the model through the session's ACP model option
// (session/set_config_option), by the id a user writes in `launch_agent {model}` and `prices`.
describe("opencode: the model through ACP's model option", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness("opencode");
  });
  afterEach(async () => {
    await h.close();
  });

  it("reports the model by its id, and runs on the one asked for", async () => {
    h.start({ model: "fake/fake-model" }).send("which model");
    expect((await h.next("started", isStarted)).model).toBe("fake/fake-model");
    expect((await h.turnEnd("turn")).result).toContain(h.fake.nonce);
    expect(h.fake.requests.some((r) => r.model === "fake-model")).toBe(true);
  });

  it("refuses a model the agent does not offer, naming the ids it does", async () => {
    h.start({ model: "nosuch/model" }).send("x");
    const error = await h.next("error", isError);
    expect(error.message).toContain('cannot choose model "nosuch/model": it offers fake/fake-model');
  });
});
