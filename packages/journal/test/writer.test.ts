import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JournalError, JournalWriter, listAgents, readJournal } from "../src/index.js";
import { everyEntry, liveServer, prompt, tempDir } from "./helpers.js";

describe("JournalWriter", () => {
  it("writes every entry type and reads it back as written", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server });
    const id = w.claim("a1");
    const entries = everyEntry(id, server);
    for (const e of entries) w.append(id, e);
    await w.flush();
    w.check();
    const read = readJournal(dir, id);
    expect(read.entries).toEqual(entries);
    expect(read.skipped).toBe(0);
    expect(read.owner).toEqual(server);
    expect(statSync(join(dir, id)).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, id, "journal.jsonl")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, id, "owner.json")).mode & 0o777).toBe(0o600);
    await w.close(id);
  });

  it("says when the turns and ends appended so far are in their files, and has nothing to wait for otherwise", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server });
    const [a, b] = [w.claim("a1"), w.claim("b1")];
    const entries = everyEntry(a, server);
    const turn = entries.find((e) => e.t === "turn");
    const end = entries.find((e) => e.t === "end");
    if (turn === undefined || end === undefined) throw new Error("helpers give a turn and an end");
    w.append(a, prompt(0));
    expect(w.recorded()).toBeUndefined(); // a prompt is not waited for
    await w.flush();
    // Several drains on their way at once, over two agents: each resolution finds its entries in the files.
    w.append(a, turn);
    w.append(b, prompt(1));
    w.append(b, end);
    const held = w.recorded();
    expect(held).toBeDefined();
    w.append(a, end);
    const later = w.recorded();
    await held;
    expect(readJournal(dir, a).entries).toContainEqual(turn);
    expect(readJournal(dir, b).entries).toContainEqual(end);
    await later;
    expect(readJournal(dir, a).entries).toContainEqual(end);
    expect(w.recorded()).toBeUndefined();
    await w.close(a);
    await w.close(b);
  });

  it("holds no one while its writes fail: what waits for a turn's entry goes on, and the failure is reported", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server });
    const id = w.claim("a1");
    // The journal's place is taken by a folder: opening it for appending fails.
    mkdirSync(join(dir, id, "journal.jsonl"));
    const turn = everyEntry(id, server).find((e) => e.t === "turn");
    if (turn === undefined) throw new Error("helpers give a turn");
    w.append(id, turn);
    await w.recorded();
    expect(() => {
      w.check();
    }).toThrow(JournalError);
    expect(w.recorded()).toBeUndefined();
  });

  it("hands out directories claimed ahead first, each once and owned, and removes those left at exit", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server });
    w.reserve(2);
    const ahead = readdirSync(dir).sort();
    expect(ahead).toHaveLength(2);
    expect(listAgents(dir)).toEqual([]); // claimed, holding no journal yet: not an agent to list
    const first = w.claim();
    expect(ahead).toContain(first);
    w.reserve(2); // tops up to two again
    expect(readdirSync(dir)).toHaveLength(3);
    const named = w.claim("mine"); // a preferred id is claimed as asked, never a spare
    expect(named).toBe("mine");
    w.append(first, prompt(0));
    await w.flush();
    expect(readJournal(dir, first).owner).toEqual(server);
    w.dropSpares();
    w.reserve(2); // a top-up that comes after the exit claims nothing
    expect(readdirSync(dir).sort()).toEqual([first, "mine"].sort());
    await w.close(first);
  });

  it("takes back the id of a refused launch: handed out again, and removed at exit with the other spares", () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const refused = w.claim();
    w.giveBack(refused);
    expect(w.claim()).toBe(refused);
    w.giveBack(refused);
    w.dropSpares();
    expect(readdirSync(dir)).toEqual([]);
    // After the exit, one given back is removed at once.
    const late = w.claim();
    w.giveBack(late);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps the order of many appends made without waiting", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const id = w.claim();
    for (let i = 0; i < 2000; i++) w.append(id, prompt(i));
    await w.flush();
    const turns = readJournal(dir, id).entries.map((e) => (e.t === "prompt" ? e.turn : -1));
    expect(turns).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    await w.close(id);
  });

  it("reads every whole entry of a journal whose last line was cut, and goes on after it", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const id = w.claim();
    for (let i = 0; i < 5; i++) w.append(id, prompt(i));
    await w.close(id);
    appendFileSync(join(dir, id, "journal.jsonl"), '{"t":"prompt","at":"2025-01-01T00:00:0');
    const cut = readJournal(dir, id);
    expect(cut.entries).toHaveLength(5);
    expect(cut.skipped).toBe(1);

    const after = new JournalWriter({ dir, server: liveServer("s2") });
    after.append(id, prompt(5));
    await after.flush();
    await after.close(id);
    const read = readJournal(dir, id);
    expect(read.entries.map((e) => (e.t === "prompt" ? e.turn : -1))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(read.skipped).toBe(1);
  });

  it("rotates at maxFileBytes, keeping at most keepFiles + 1 files with the newest entries in order", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1"), maxFileBytes: 400, keepFiles: 2 });
    const id = w.claim();
    for (let i = 0; i < 100; i++) w.append(id, prompt(i));
    await w.flush();
    await w.close(id);
    const files = readdirSync(join(dir, id)).filter((f) => f.startsWith("journal"));
    expect(files.sort()).toEqual(["journal.1.jsonl", "journal.2.jsonl", "journal.jsonl"]);
    for (const f of files) expect(statSync(join(dir, id, f)).size).toBeLessThanOrEqual(400);
    const { entries, skipped } = readJournal(dir, id);
    expect(skipped).toBe(0);
    const turns = entries.map((e) => (e.t === "prompt" ? e.turn : -1));
    expect(turns.at(-1)).toBe(99);
    expect(turns).toEqual(Array.from({ length: turns.length }, (_, i) => 100 - turns.length + i));
  });

  it("opens every rotated file with the launch entry, so a resume finds it after the first file is gone", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server, maxFileBytes: 600, keepFiles: 1 });
    const id = w.claim();
    const launch = everyEntry(id, server).find((e) => e.t === "launch");
    if (launch === undefined) throw new Error("no launch entry");
    w.append(id, launch);
    for (let i = 0; i < 100; i++) w.append(id, prompt(i));
    await w.flush();
    await w.close(id);
    for (const f of ["journal.jsonl", "journal.1.jsonl"]) expect(readFileSync(join(dir, id, f), "utf8").startsWith('{"t":"launch"')).toBe(true);
    const { entries } = readJournal(dir, id);
    expect(entries.filter((e) => e.t === "launch")).toHaveLength(2);
    expect(entries.at(-1)).toMatchObject({ t: "prompt", turn: 99 });
  });

  it("reports a full disk, keeps the entries, and writes them once the disk takes them again", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const id = w.claim();
    const file = join(dir, id, "journal.jsonl");
    symlinkSync("/dev/full", file);
    w.append(id, prompt(1));
    w.append(id, prompt(2));
    await w.flush();
    expect(() => {
      w.check();
    }).toThrow(/disk is full/);
    try {
      w.check();
    } catch (err) {
      expect(err).toBeInstanceOf(JournalError);
      expect((err as JournalError).code).toBe("JOURNAL_UNWRITABLE");
      expect((err as JournalError).message).toContain(file);
    }

    unlinkSync(file);
    writeFileSync(file, "", { mode: 0o600 });
    w.append(id, prompt(3));
    await w.flush();
    w.check();
    await w.close(id);
    expect(readJournal(dir, id).entries.map((e) => (e.t === "prompt" ? e.turn : -1))).toEqual([1, 2, 3]);
  });

  it("recheck tries the queued entries again once the disk takes them, even with no new append", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const id = w.claim();
    const file = join(dir, id, "journal.jsonl");
    symlinkSync("/dev/full", file);
    w.append(id, prompt(1));
    await w.flush();
    await expect(w.recheck()).rejects.toMatchObject({ code: "JOURNAL_UNWRITABLE" });
    unlinkSync(file);
    await w.recheck();
    expect(() => {
      w.check();
    }).not.toThrow();
    expect(readJournal(dir, id).entries).toMatchObject([{ t: "prompt", turn: 1 }]);
  });

  it("reads a journal file that is a device as skipped, never forever", () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const id = w.claim();
    symlinkSync("/dev/zero", join(dir, id, "journal.jsonl"));
    expect(readJournal(dir, id)).toMatchObject({ entries: [], skipped: 1 });
  });

  it("bounds what it keeps while writes fail, dropping the oldest", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1"), maxQueued: 3 });
    const id = w.claim();
    const file = join(dir, id, "journal.jsonl");
    symlinkSync("/dev/full", file);
    for (let i = 0; i < 10; i++) w.append(id, prompt(i));
    await w.flush();
    expect(() => {
      w.check();
    }).toThrow(/dropped/);
    unlinkSync(file);
    w.append(id, prompt(10));
    await w.flush();
    w.check();
    await w.close(id);
    expect(readJournal(dir, id).entries.map((e) => (e.t === "prompt" ? e.turn : -1))).toEqual([8, 9, 10]);
  });

  it("flushSync writes what is queued at once", () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const id = w.claim();
    for (let i = 0; i < 3; i++) w.append(id, prompt(i));
    w.flushSync();
    expect(
      readFileSync(join(dir, id, "journal.jsonl"), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(3);
  });

  it("close writes the queue first and a later append reopens the file", async () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    const id = w.claim();
    w.append(id, prompt(1));
    await w.close(id);
    w.append(id, prompt(2));
    await w.flush();
    await w.close(id);
    expect(readJournal(dir, id).entries).toHaveLength(2);
  });
});
