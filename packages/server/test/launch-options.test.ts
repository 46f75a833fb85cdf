import { afterEach, describe, expect, it } from "vitest";
import { serverHarness, type ServerHarness } from "./harness.js";

// launch_agent holds its options to the rules an agent definition is held to (contract's launchOptionIssues).
describe("launch_agent's launch options, held to their shared rules", () => {
  let h: ServerHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("refuses an escalation with machine before anything starts: the check and the stronger agent would run here, the work is there", async () => {
    h = await serverHarness();
    const onError = await h.callError("launch_agent", { prompt: "hi", provider: "codex", machine: "b", escalate: { on: "error" } });
    expect(onError).toContain("escalate is not offered with machine");
    const onCheck = await h.callError("launch_agent", { prompt: "hi", provider: "codex", machine: "any", escalate: { on: "check", check: "pnpm test" } });
    expect(onCheck).toContain("escalate is not offered with machine");
    // Beside the other rules it breaks, each said.
    const both = await h.callError("launch_agent", { prompt: "hi", provider: "codex", machine: "b", base: "main", escalate: { on: "error" } });
    expect(both).toContain('base needs isolation: "worktree"');
    expect(both).toContain("escalate is not offered with machine");
    expect(h.supervisor.list()).toEqual([]);
  });
});
