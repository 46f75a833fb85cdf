import { readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";
import { agentDir, until, waitAll } from "./past-e2e.js";

// A journal that cannot be written refuses new agents with a clear error, and nothing is lost.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

interface TranscriptOut {
  turns: { turn: number; prompts: string[]; result?: string }[];
}

describe("the journal on a full disk", () => {
  it("a journal on a full disk refuses launches with a clear error until it can be written again", async () => {
    const s = (e = await startE2E());
    const nonce = s.fakes.claude.nonce;
    const a = (await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "first alpha" })).agent_id;
    await waitAll(s, [a]);
    await s.call("kill_agent", { agent_id: a });
    const journal = join(agentDir(s, a), "journal.jsonl");
    await until("the journal to record the kill", () => readFileSync(journal, "utf8").includes('"t":"end"'));

    // The history moves to the rotated file, where readers find it; new entries go to journal.jsonl,
    // now /dev/full: every write fails with ENOSPC, as on a full disk (readers skip a device).
    renameSync(journal, join(agentDir(s, a), "journal.1.jsonl"));
    symlinkSync("/dev/full", journal);

    const resumed = await s.call<{ how: string }>("resume_agent", { agent_id: a, prompt: "second beta" });
    expect(resumed.how).toBe("resumed");
    expect((await waitAll(s, [a])).get(a)?.result).toContain(`${nonce} echo:`);
    const refused = await s.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "never started" } });
    expect(refused.isError).toBe(true);
    const message = (refused.content as { text: string }[])[0]?.text ?? "";
    expect(message).toContain(`cannot write the agent journal at ${journal}: the disk is full (ENOSPC)`);

    // Space again: a launch tries what was held back first, then goes ahead.
    rmSync(journal);
    const b = (await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "after the disk" })).agent_id;
    expect((await waitAll(s, [b])).get(b)?.result).toContain(`${nonce} echo: after the disk`);
    await s.call("send_message", { agent_id: a, message: "third gamma" });
    expect((await waitAll(s, [a])).get(a)?.result).toContain(`${nonce} echo: third gamma`);
    // Nothing of the resumed session was lost while the disk was full.
    const t = await s.call<TranscriptOut>("transcript", { agent_id: a });
    expect(t.turns.map((x) => x.turn)).toEqual([1, 2, 3]);
    expect(t.turns[1]?.prompts[0]).toMatch(/your previous session was interrupted \(killed\) after turn 1[\s\S]*second beta$/);
    expect(t.turns[2]).toMatchObject({ prompts: ["third gamma"], result: `${nonce} echo: third gamma` });
  });
});
