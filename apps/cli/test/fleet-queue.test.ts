import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CliEnvironment, FakeModelServer } from "@subagent-mcp/testkit";
import { describe, expect, it } from "vitest";
import { waitFor, type E2E } from "./e2e.js";
import { fleetOnB } from "./fleet-bed.js";

// Machine b lends one Claude Code slot (the real pinned CLI against a fake model on 127.0.0.1); A,
// the built server under the official MCP client, launches two agents there. The second waits in
// b's queue: A shows it queued on b (not processing, never stalled: A's stall window is 1 s) until
// the first ends, and then it runs.
const KEY = "fleet-queue-e2e-key-0123456789abcdef";
let fakeB: FakeModelServer;
let envB: CliEnvironment;
let a: E2E;
fleetOnB(KEY, 1, { SUBAGENT_MCP_STALL_SECONDS: "1" }, (fleet) => ({ fakeB, envB, a } = fleet));

interface Polled {
  status: string;
  machine?: string;
  queue_position?: number;
  idle_seconds: number;
  hint?: string;
}

describe("a launch queued on a full machine", () => {
  it("polls as queued on b at its place in line, is never stalled meanwhile, and runs once the slot frees", { timeout: 240_000 }, async () => {
    const release = join(envB.cwd, "release");
    // The first holds b's only slot: its shell waits for the release file.
    const first = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: envB.cwd,
      permission_mode: "dontAsk",
      allowed_tools: ["Bash"],
      prompt: "[[shell:while [ ! -e release ]; do sleep 0.1; done; echo released]]",
    });
    await fakeB.waitForRequest((r) => r.lastUserText.includes("release"), "the first agent's turn on b");
    const second = await a.call<{ agent_id: string; machine?: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: envB.cwd,
      prompt: "the second one, queued on b",
    });
    expect(second.machine).toBe("b");
    const poll = (): Promise<Polled> => a.call<Polled>("poll_agent", { agent_id: second.agent_id });
    // Processing until b's report comes (or stalled, if it were not queued).
    let polled = await poll();
    while (polled.status === "processing") polled = await poll();
    expect(polled).toMatchObject({ status: "queued", machine: "b", queue_position: 1 });
    expect(polled.hint).toContain("Queued on machine b (position 1)");
    const listed = await a.call<{ agents: { agent_id: string; status: string; machine?: string; queue_position?: number }[] }>("list_agents");
    expect(listed.agents.find((x) => x.agent_id === second.agent_id)).toMatchObject({ status: "queued", machine: "b", queue_position: 1 });
    // Past the stall window (1 s) with no event: still queued, since nothing runs for it yet.
    while (polled.idle_seconds < 2.5) {
      polled = await poll();
      expect(polled.status).toBe("queued");
    }
    expect(fakeB.requests.some((r) => r.lastUserText.includes("the second one"))).toBe(false);
    // The slot frees: the queued launch starts on b and answers.
    writeFileSync(release, "");
    expect((await waitFor(a, first.agent_id, (out) => out.finished[0])).is_error).toBe(false);
    await a.call("kill_agent", { agent_id: first.agent_id });
    const answer = await waitFor(a, second.agent_id, (out) => out.finished[0]);
    expect(answer.result).toContain(fakeB.nonce);
    expect(answer.result).toContain("the second one, queued on b");
    expect(await poll()).toMatchObject({ status: "finished", machine: "b" });
    expect((await poll()).queue_position).toBeUndefined();
  });
});
