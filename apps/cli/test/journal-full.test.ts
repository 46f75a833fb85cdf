import { execa } from "execa";
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";
import { agentDir, until, waitAll } from "./past-e2e.js";

// A journal that cannot be written refuses new agents with a clear error, and nothing is lost.

let e: E2E | undefined;
const mounts: string[] = [];
afterEach(async () => {
  for (const m of mounts.splice(0)) await execa("umount", ["-l", m], { reject: false });
  await e?.close();
  e = undefined;
});

interface TranscriptOut {
  turns: { turn: number; prompts: string[]; result?: string }[];
}

describe("the journal on a full disk", () => {
  // A real full file system (a small tmpfs, filled): its files read back fine and appends fail with
  // ENOSPC. /dev/full cannot stand in: the journal is read back before a resume, and reading
  // /dev/full never ends. Mounting needs root (or CAP_SYS_ADMIN).
  it("a journal on a full disk refuses launches with a clear error until it can be written again", async () => {
    const s = (e = await startE2E());
    const nonce = s.fakes.claude.nonce;
    const a = (await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "first alpha" })).agent_id;
    await waitAll(s, [a]);
    await s.call("kill_agent", { agent_id: a });
    const journal = join(agentDir(s, a), "journal.jsonl");
    await until("the journal to record the kill", () => readFileSync(journal, "utf8").includes('"t":"end"'));

    const full = join(dirname(s.env.home), "full");
    mkdirSync(full);
    const mounted = await execa("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", full], { reject: false });
    expect(mounted.exitCode, `mounting a tmpfs needs root: ${mounted.stderr}`).toBe(0);
    mounts.push(full);
    // The history, padded with blank lines (which readers skip) to whole pages: any append needs a new one.
    const history = readFileSync(journal, "utf8");
    writeFileSync(join(full, "journal.jsonl"), history + "\n".repeat(4096 - (Buffer.byteLength(history) % 4096)));
    expect(() => {
      for (;;) appendFileSync(join(full, "filler"), Buffer.alloc(4096));
    }).toThrow(/ENOSPC/);
    rmSync(journal);
    symlinkSync(join(full, "journal.jsonl"), journal);

    const resumed = await s.call<{ how: string }>("resume_agent", { agent_id: a, prompt: "second beta" });
    expect(resumed.how).toBe("resumed");
    expect((await waitAll(s, [a])).get(a)?.result).toContain(`${nonce} echo:`);
    const refused = await s.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "never started" } });
    expect(refused.isError).toBe(true);
    const message = (refused.content as { text: string }[])[0]?.text ?? "";
    expect(message).toContain(`cannot write the agent journal at ${journal}: the disk is full (ENOSPC)`);

    // Space again (the link replaced by a normal file); the next entry retries what was held back.
    rmSync(journal);
    copyFileSync(join(full, "journal.jsonl"), journal);
    await s.call("send_message", { agent_id: a, message: "third gamma" });
    expect((await waitAll(s, [a])).get(a)?.result).toContain(`${nonce} echo: third gamma`);
    const b = (await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "after the disk" })).agent_id;
    expect((await waitAll(s, [b])).get(b)?.result).toContain(`${nonce} echo: after the disk`);
    // Nothing of the resumed session was lost while the disk was full.
    const t = await s.call<TranscriptOut>("transcript", { agent_id: a });
    expect(t.turns.map((x) => x.turn)).toEqual([1, 2, 3]);
    expect(t.turns[1]?.prompts[0]).toMatch(/your previous session was interrupted \(killed\) after turn 1[\s\S]*second beta$/);
    expect(t.turns[2]).toMatchObject({ prompts: ["third gamma"], result: `${nonce} echo: third gamma` });
  });
});
