import { describe, expect, it } from "vitest";
import { followJournal, JournalError, JournalWriter, type JournalEntry } from "../src/index.js";
import { liveServer, prompt, tempDir, waiter } from "./helpers.js";

const turns = (entries: JournalEntry[]): number[] => entries.map((e) => (e.t === "prompt" ? e.turn : -1));

describe("followJournal", () => {
  it("sees the entries present, then those appended later across rotations, and stops on abort", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1"), maxFileBytes: 300, keepFiles: 5 });
    const id = w.claim();
    for (let i = 0; i < 3; i++) w.append(id, prompt(i));
    await w.flush();

    const seen: JournalEntry[] = [];
    const { until, nudge } = waiter();
    const stop = new AbortController();
    const following = followJournal(
      dir,
      id,
      (e) => {
        seen.push(e);
        nudge();
      },
      stop.signal,
    );
    await until(() => seen.length >= 3);
    expect(turns(seen)).toEqual([0, 1, 2]);

    // Enough to rotate a few times (each line is about 80 bytes), written one by one.
    for (let i = 3; i < 20; i++) {
      w.append(id, prompt(i));
      await w.flush();
    }
    await until(() => seen.length >= 20);
    stop.abort();
    await following;
    expect(turns(seen)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await w.close(id);
  });

  it("waits for a journal not written yet", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const id = w.claim();
    const seen: JournalEntry[] = [];
    const { until, nudge } = waiter();
    const stop = new AbortController();
    const following = followJournal(
      dir,
      id,
      (e) => {
        seen.push(e);
        nudge();
      },
      stop.signal,
    );
    w.append(id, prompt(7));
    await until(() => seen.length >= 1);
    stop.abort();
    await following;
    expect(turns(seen)).toEqual([7]);
    await w.close(id);
  });

  it("rejects with NOT_FOUND for an unknown agent", async () => {
    await expect(followJournal(tempDir(), "nobody", () => undefined, new AbortController().signal)).rejects.toBeInstanceOf(JournalError);
  });
});
