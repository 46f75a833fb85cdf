import { untilClaudeSaved, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { connectServer, endServer, waitFor, type E2E, type Served } from "./e2e.js";
import { fleetOnB } from "./fleet-bed.js";
import type { RunningNode } from "./fleet-node.js";

// An agent that ran on machine b (the real pinned Claude Code against b's fake model on 127.0.0.1)
// has its conversation saved there. Its orchestrator ends; a new one of the same project resumes it
// from the journal: on b, in the same conversation. With b gone, the resume says b is needed.
const KEY = "fleet-resume-e2e-key-0123456789abcdef";
let fakeB: FakeModelServer;
let envB: CliEnvironment;
let nodeB: RunningNode;
let a: E2E;
let second: Served | undefined;
fleetOnB(KEY, 2, {}, (fleet) => ({ fakeB, envB, nodeB, a } = fleet));
// Registered after the bed's end, so run before it: the second orchestrator ends while Redis is up.
afterAll(async () => {
  await second?.close();
});

describe("resume_agent of an agent that ran on another machine", () => {
  it("resumes it on b in the same conversation after its orchestrator ended; with b gone, says b is needed", { timeout: 240_000 }, async () => {
    const launched = await a.call<{ agent_id: string; machine?: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: envB.cwd,
      prompt: "remember the word pineapple",
    });
    expect(launched.machine).toBe("b");
    const first = await waitFor(a, launched.agent_id, (out) => out.finished[0]);
    expect(first.result).toContain(fakeB.nonce);
    await untilClaudeSaved(envB.home, "remember the word pineapple");
    // Its orchestrator ends (its agent on b ends with it); a new one of the same project takes over.
    await endServer(a);
    const next = (second = await connectServer(a.serverEnv, a.env.cwd, "second"));
    const resumed = await next.call<{ agent_id: string; how: string; machine?: string }>("resume_agent", {
      agent_id: launched.agent_id,
      prompt: "[[history]] which word was it?",
    });
    expect(resumed).toMatchObject({ agent_id: launched.agent_id, how: "resumed", machine: "b" });
    // b's model answers, and the history it was sent holds the earlier turn: the same conversation, resumed there.
    const answer = await waitFor(next, launched.agent_id, (out) => out.finished[0]);
    expect(answer.result).toContain(fakeB.nonce);
    expect(answer.result).toContain("remember the word pineapple");
    expect(answer.result).toContain("which word was it?");
    await next.call("kill_agent", { agent_id: launched.agent_id });
    // b leaves the fleet: resuming it again is refused, naming the machine it needs.
    nodeB.proc.kill("SIGTERM");
    await nodeB.proc;
    const refused = await next.client.callTool({ name: "resume_agent", arguments: { agent_id: launched.agent_id } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain(
      `agent ${launched.agent_id} ran on machine \\"b\\", where its conversation is saved: resuming it needs that machine live in the fleet (no live machine \\"b\\"`,
    );
  });
});
