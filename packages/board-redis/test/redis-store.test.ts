import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { openRedisBoard } from "../src/index.js";

// The store on a real redis-server (the testkit's, on 127.0.0.1): operations and their fold, the
// first opener's options, entries that cannot be folded, and a second store opened later.
// Without redis-server these tests fail (startRedisServer throws), never skip.

let server: RedisServer;
const connections: Redis[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await server.stop();
});

/** A connection of its own, as each machine of a fleet has. */
function connect(): Redis {
  const c = new Redis(server.url);
  connections.push(c);
  return c;
}
/** A board name no other test uses. */
const fresh = (): string => `b${randomBytes(6).toString("hex")}`;
const journal = (name: string): Promise<string[]> => connect().lrange(`subagent-mcp:board:${name}:journal`, 0, -1);
const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, title: `task ${i}` }));

describe("the Redis store", () => {
  it("folds its operations, and a store opened later folds the same board with the first opener's options", async () => {
    const name = fresh();
    const a = await openRedisBoard(connect(), name, { options: { max_tries: 5 } });
    await a.apply({ type: "add", tasks: [...tasks(2), { key: "later", title: "after t0", depends_on: ["t0"] }] });
    await a.apply({ type: "claim", key: "t0", member: "m1" });
    await a.apply({ type: "done", key: "t0", member: "m1", result: "did it" });
    const before = await a.read();
    await a.close();
    const b = await openRedisBoard(connect(), name, { options: { max_tries: 1 } });
    const after = await b.read();
    expect(after).toEqual(before);
    expect(after.options.max_tries).toBe(5);
    expect(after.tasks.map((t) => t.state.status)).toEqual(["done", "open", "open"]);
    expect(b.skipped()).toEqual([]);
    expect(JSON.parse((await connect().get(`subagent-mcp:board:${name}:options`)) ?? "{}")).toMatchObject({ max_tries: 5 });
    expect(await journal(name)).toHaveLength(3);
  });

  it("pushes accepted operations only, and nothing for one that changes nothing", async () => {
    const name = fresh();
    const a = await openRedisBoard(connect(), name);
    await a.apply({ type: "add", tasks: tasks(1) });
    const refused = await a.apply({ type: "claim", key: "nope", member: "m1" });
    expect("error" in refused && refused.error.code).toBe("UNKNOWN_KEY");
    await a.apply({ type: "release" });
    await a.apply({ type: "heartbeat", member: "m1" });
    expect("error" in (await a.apply(undefined))).toBe(true);
    expect(await journal(name)).toHaveLength(1);
    await expect(a.close().then(() => a.apply({ type: "release" }))).rejects.toThrow("closed");
  });

  it("applies an operation after what other clients pushed: a task claimed elsewhere is refused", async () => {
    const name = fresh();
    const [a, b] = [await openRedisBoard(connect(), name), await openRedisBoard(connect(), name)];
    await a.apply({ type: "add", tasks: tasks(1) });
    expect("board" in (await a.apply({ type: "claim", key: "t0", member: "m1" }))).toBe(true);
    const second = await b.apply({ type: "claim", key: "t0", member: "m2" });
    expect("error" in second && second.error.message).toContain("claimed by m1");
    expect(await b.read()).toEqual(await a.read());
  });

  it("of six clients claiming one task at once on their own connections, exactly one gets it", async () => {
    const name = fresh();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openRedisBoard(connect(), name)));
    await stores[0]?.apply({ type: "add", tasks: tasks(1) });
    const answers = await Promise.all(stores.map((s, i) => s.apply({ type: "claim", key: "t0", member: `m${i}` })));
    expect(answers.filter((r) => "board" in r)).toHaveLength(1);
    expect(answers.filter((r) => "error" in r && r.error.code === "NOT_CLAIMABLE")).toHaveLength(5);
    expect(await journal(name)).toHaveLength(2);
  });

  it("of several first openers at once, one sets the options and all use them", async () => {
    const name = fresh();
    const stores = await Promise.all([1, 2, 3, 4, 5].map((max_tries) => openRedisBoard(connect(), name, { options: { max_tries } })));
    const kept = await Promise.all(stores.map(async (s) => (await s.read()).options.max_tries));
    expect(new Set(kept).size).toBe(1);
  });

  it("applies the operation as the journal keeps it (its JSON), so every reader folds the same board", async () => {
    const name = fresh();
    const a = await openRedisBoard(connect(), name);
    await a.apply({ type: "add", tasks: tasks(1) });
    await a.apply({ type: "claim", key: "t0", member: "m1" });
    const receipt = { when: new Date(0), gone: undefined, n: Number.NaN };
    const done = await a.apply({ type: "done", key: "t0", member: "m1", result: "ok", receipt });
    expect("board" in done && done.board.tasks[0]?.state).toMatchObject({ receipt: { when: "1970-01-01T00:00:00.000Z", n: null } });
    const b = await openRedisBoard(connect(), name);
    expect(await b.read()).toEqual(await a.read());
  });

  it("skips entries that do not parse or are refused, with why, alike in every client", async () => {
    const name = fresh();
    const a = await openRedisBoard(connect(), name);
    await a.apply({ type: "add", tasks: tasks(2) });
    const key = `subagent-mcp:board:${name}:journal`;
    await connect().rpush(
      key,
      '{"op":{"type":"claim","key":"t0","mem',
      '{"note":"someone else\'s"}',
      JSON.stringify({ op: { type: "claim", key: "nope", member: "x" }, at: 1 }),
    );
    const b = await openRedisBoard(connect(), name);
    expect((await b.read()).tasks.map((t) => t.state.status)).toEqual(["open", "open"]);
    expect(b.skipped()).toHaveLength(3);
    expect(b.skipped()[0]).toMatch(/^journal entry 1: not JSON/);
    expect(b.skipped()[1]).toMatch(/^journal entry 2: not an operation line/);
    expect(b.skipped()[2]).toMatch(/^journal entry 3: refused on reading \(UNKNOWN_KEY/);
    expect("board" in (await a.apply({ type: "claim", key: "t1", member: "m2" }))).toBe(true);
    expect(await b.read()).toEqual(await a.read());
    expect(a.skipped()).toEqual(b.skipped());
  });

  it("folds anew a journal that was removed and started again", async () => {
    const name = fresh();
    const a = await openRedisBoard(connect(), name);
    await a.apply({ type: "add", tasks: tasks(3) });
    await connect().del(`subagent-mcp:board:${name}:journal`);
    expect((await a.read()).tasks).toEqual([]);
    await a.apply({ type: "add", tasks: [{ key: "again", title: "a new start" }] });
    expect((await a.read()).tasks.map((t) => t.key)).toEqual(["again"]);
  });

  it("refuses a name that could run into another board's keys", async () => {
    await expect(openRedisBoard(connect(), "a:journal")).rejects.toMatchObject({ code: "BAD_INPUT" });
    await expect(openRedisBoard(connect(), "")).rejects.toMatchObject({ code: "BAD_INPUT" });
  });
});
