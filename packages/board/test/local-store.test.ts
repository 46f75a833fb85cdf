import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openLocalBoard } from "../src/index.js";

// The store on a real folder: a restart folds the same journal, a line a crash cut short is
// skipped with why, a dead holder's lock is broken, and real processes racing for claims each
// get a task exactly once (they import the built package: `pnpm --filter @subagent-mcp/board build`).

const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

// A separate process on the shared board. It says "ready", waits for a line on stdin (so every
// process starts together), then: "one KEY" claims KEY once and prints the answer; "drain"
// claims whatever it may until nothing is left and prints the keys it got.
const claimer = `
import { createInterface } from "node:readline";
import { claimable, openLocalBoard } from ${JSON.stringify(dist)};
const [dir, member, mode, key] = process.argv.slice(1);
const board = await openLocalBoard(dir);
console.log("ready");
const lines = createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once("line", resolve));
lines.close(); // stdin no longer holds the process open
if (mode === "one") {
  const r = await board.apply({ type: "claim", key, member });
  console.log(JSON.stringify("error" in r ? { code: r.error.code, message: r.error.message } : { ok: true }));
} else {
  const got = [];
  for (;;) {
    const open = claimable(await board.read(), member);
    if (open.length === 0) break;
    // Each goes for a random open task, so races happen on the same task and on different ones.
    const pick = open[Math.floor(Math.random() * open.length)].key;
    const r = await board.apply({ type: "claim", key: pick, member });
    if (!("error" in r)) got.push(pick);
    else if (r.error.code !== "NOT_CLAIMABLE") throw r.error;
  }
  console.log(JSON.stringify(got));
}
await board.close();
`;
const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, title: `task ${i}` }));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "board-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const journalLines = async (): Promise<string[]> => (await readFile(join(dir, "board.jsonl"), "utf8")).split("\n").filter((l) => l !== "");

describe("the local store", () => {
  it("a new instance reads the same board, with the first opener's options", async () => {
    const a = await openLocalBoard(dir, { options: { max_tries: 5 } });
    await a.apply({ type: "add", tasks: [...tasks(2), { key: "later", title: "after t0", depends_on: ["t0"] }] });
    await a.apply({ type: "claim", key: "t0", member: "m1" });
    await a.apply({ type: "done", key: "t0", member: "m1", result: "did it" });
    const before = await a.read();
    await a.close();
    const b = await openLocalBoard(dir, { options: { max_tries: 1 } });
    const after = await b.read();
    expect(after).toEqual(before);
    expect(after.options.max_tries).toBe(5);
    expect(after.tasks.map((t) => t.state.status)).toEqual(["done", "open", "open"]);
    expect(b.skipped()).toEqual([]);
  });

  it("writes accepted operations only, and nothing for one that changes nothing", async () => {
    const a = await openLocalBoard(dir);
    await a.apply({ type: "add", tasks: tasks(1) });
    const refused = await a.apply({ type: "claim", key: "nope", member: "m1" });
    expect("error" in refused && refused.error.code).toBe("UNKNOWN_KEY");
    await a.apply({ type: "release" });
    await a.apply({ type: "heartbeat", member: "m1" });
    expect(await journalLines()).toHaveLength(1);
  });

  it("skips a line a crash cut short, with why, alike in every process", async () => {
    const a = await openLocalBoard(dir);
    await a.apply({ type: "add", tasks: tasks(2) });
    await appendFile(join(dir, "board.jsonl"), '{"op":{"type":"claim","key":"t0","mem');
    const b = await openLocalBoard(dir);
    expect((await b.read()).tasks.map((t) => t.state.status)).toEqual(["open", "open"]);
    const claimed = await b.apply({ type: "claim", key: "t1", member: "m2" });
    expect("board" in claimed).toBe(true);
    expect(b.skipped()).toHaveLength(1);
    expect(b.skipped()[0]).toContain("not JSON");
    const c = await openLocalBoard(dir);
    expect(await c.read()).toEqual(await b.read());
    expect(c.skipped()).toEqual(b.skipped());
    expect(await a.read()).toEqual(await b.read());
  });

  it("breaks a lock left by a dead holder: an old file, or an injected clock past its age", async () => {
    const lock = join(dir, "board.lock");
    const a = await openLocalBoard(dir);
    await writeFile(lock, "4242 gone");
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect("board" in (await a.apply({ type: "add", tasks: tasks(1) }))).toBe(true);
    await writeFile(lock, "4242 gone");
    const later = await openLocalBoard(dir, { now: () => Date.now() + 11_000 });
    expect("board" in (await later.apply({ type: "claim", key: "t0", member: "m1" }))).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });
});

describe("processes racing on one board", () => {
  beforeAll(() => {
    if (!existsSync(dist)) throw new Error("these tests run the built package: pnpm --filter @subagent-mcp/board build");
  });

  /** Starts the claimers, waits until every one is ready, then lets them all go at once. */
  async function race(args: string[][]): Promise<string[]> {
    const children: ResultPromise<{ stdin: "pipe" }>[] = args.map((a) =>
      execa(process.execPath, ["--input-type=module", "-e", claimer, dir, ...a], { stdin: "pipe" }),
    );
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            let seen = "";
            child.stdout.on("data", (chunk: Buffer) => {
              seen += chunk.toString();
              if (seen.includes("ready\n")) resolve();
            });
            child.once("exit", () => {
              reject(new Error(`a claimer exited before it was ready: ${seen}`));
            });
          }),
      ),
    );
    for (const child of children) child.stdin.end("go\n");
    const results = await Promise.all(children);
    return results.map((r) => r.stdout.split("\n").at(-1) ?? "");
  }

  it("of six processes claiming one task at once, exactly one gets it", async () => {
    const board = await openLocalBoard(dir);
    await board.apply({ type: "add", tasks: [{ key: "prize", title: "one task for six" }] });
    const answers = (await race(Array.from({ length: 6 }, (_, i) => [`m${i}`, "one", "prize"]))).map(
      (line) => JSON.parse(line) as { ok?: true; code?: string; message?: string },
    );
    const won = answers.flatMap((a, i) => (a.ok ? [`m${i}`] : []));
    expect(won).toHaveLength(1);
    const state = (await board.read()).tasks[0]?.state;
    expect(state).toMatchObject({ status: "claimed", by: won[0] });
    for (const a of answers.filter((x) => x.ok !== true)) {
      expect(a.code).toBe("NOT_CLAIMABLE");
      expect(a.message).toContain(`claimed by ${String(won[0])}`);
    }
  });

  it("three processes draining thirty tasks claim each exactly once", async () => {
    const board = await openLocalBoard(dir);
    await board.apply({ type: "add", tasks: tasks(30) });
    const got = (
      await race([
        ["a", "drain"],
        ["b", "drain"],
        ["c", "drain"],
      ])
    ).map((line) => JSON.parse(line) as string[]);
    const all = got.flat();
    expect(all.sort()).toEqual(
      tasks(30)
        .map((t) => t.key)
        .sort(),
    );
    const final = await board.read();
    expect(final.tasks.every((t) => t.state.status === "claimed")).toBe(true);
    // The journal agrees with what each process was told: the add and one line per claim.
    expect(await journalLines()).toHaveLength(31);
    got.forEach((keys, i) => {
      const member = ["a", "b", "c"][i];
      for (const key of keys) expect(final.tasks.find((t) => t.key === key)?.state).toMatchObject({ by: member });
    });
  });
});
