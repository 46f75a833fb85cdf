import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { openRedisBoard } from "../src/index.js";

// Processes racing on one board in Redis, each with its own connection as on separate machines:
// each task is claimed exactly once, and a store opened afterwards (a restart) folds the same
// board. The processes import the built packages: `pnpm --filter @subagent-mcp/board-redis build`
// (and @subagent-mcp/board's). Without redis-server these tests fail, never skip.

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

// A separate process on the shared board. It says "ready", waits for a line on stdin (so every
// process starts together), then: "one KEY" claims KEY once and prints the answer; "drain"
// claims whatever it may until nothing is left and prints the keys it got. It runs in this
// package's folder, so that `ioredis` and `@subagent-mcp/board` resolve to this package's.
const claimer = `
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { claimable } from "@subagent-mcp/board";
import { openRedisBoard } from ${JSON.stringify(dist)};
const [url, name, member, mode, key] = process.argv.slice(1);
const redis = new Redis(url);
const board = await openRedisBoard(redis, name);
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
redis.disconnect();
`;
const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, title: `task ${i}` }));

let server: RedisServer;
const connections: Redis[] = [];
beforeAll(async () => {
  server = await startRedisServer();
  if (!existsSync(dist)) throw new Error("these tests run the built package: pnpm --filter @subagent-mcp/board-redis build");
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await server.stop();
});

function connect(): Redis {
  const c = new Redis(server.url);
  connections.push(c);
  return c;
}

/** Starts the claimers, waits until every one is ready, then lets them all go at once. */
async function race(name: string, args: string[][]): Promise<string[]> {
  const children: ResultPromise<{ stdin: "pipe"; cwd: string }>[] = args.map((a) =>
    execa(process.execPath, ["--input-type=module", "-e", claimer, server.url, name, ...a], { stdin: "pipe", cwd: root }),
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

describe("processes racing on one board in Redis", () => {
  it("of six processes claiming one task at once, exactly one gets it", async () => {
    const name = `b${randomBytes(6).toString("hex")}`;
    const board = await openRedisBoard(connect(), name);
    await board.apply({ type: "add", tasks: [{ key: "prize", title: "one task for six" }] });
    const answers = (
      await race(
        name,
        Array.from({ length: 6 }, (_, i) => [`m${i}`, "one", "prize"]),
      )
    ).map((line) => JSON.parse(line) as { ok?: true; code?: string; message?: string });
    const won = answers.flatMap((a, i) => (a.ok ? [`m${i}`] : []));
    expect(won).toHaveLength(1);
    expect((await board.read()).tasks[0]?.state).toMatchObject({ status: "claimed", by: won[0] });
    for (const a of answers.filter((x) => x.ok !== true)) {
      expect(a.code).toBe("NOT_CLAIMABLE");
      expect(a.message).toContain(`claimed by ${String(won[0])}`);
    }
    expect(await connect().llen(`subagent-mcp:board:${name}:journal`)).toBe(2);
  });

  it("four processes draining thirty tasks claim each exactly once, and a restart folds the same board", async () => {
    const name = `b${randomBytes(6).toString("hex")}`;
    const board = await openRedisBoard(connect(), name);
    await board.apply({ type: "add", tasks: tasks(30) });
    const members = ["a", "b", "c", "d"];
    const got = (
      await race(
        name,
        members.map((m) => [m, "drain"]),
      )
    ).map((line) => JSON.parse(line) as string[]);
    expect(got.flat().sort()).toEqual(
      tasks(30)
        .map((t) => t.key)
        .sort(),
    );
    const final = await board.read();
    expect(final.tasks.every((t) => t.state.status === "claimed")).toBe(true);
    got.forEach((keys, i) => {
      for (const key of keys) expect(final.tasks.find((t) => t.key === key)?.state).toMatchObject({ by: members[i] });
    });
    // The journal agrees with what each process was told: the add and one entry per claim.
    expect(await connect().llen(`subagent-mcp:board:${name}:journal`)).toBe(31);
    const restarted = await openRedisBoard(connect(), name);
    expect(await restarted.read()).toEqual(final);
    expect(restarted.skipped()).toEqual([]);
  });
});
