import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { connectServer, endServer, startE2E, type E2E } from "./e2e.js";
import { memberScript } from "./team-driver.js";

// A team's claims under trouble: a member killed mid-task (its task goes back and another finishes
// it), on this machine's board and on the fleet's Redis; and the server restarted mid-board.

interface BoardOut {
  tasks: { key: string; status: string; by?: string; tries: number; sent_back?: { by: string; reasons: string[] } }[];
}
interface WaitOut {
  board?: { board: string; kind: string; keys: string[]; detail?: string }[];
}

let e: E2E | undefined;
let redis: RedisServer | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
  await redis?.stop();
  redis = undefined;
});

async function untilAllDone(s: Pick<E2E, "call">, board: string): Promise<NonNullable<WaitOut["board"]>> {
  const events: NonNullable<WaitOut["board"]> = [];
  for (let i = 0; i < 40; i++) {
    const w = await s.call<WaitOut>("wait", { timeout_s: 30 });
    events.push(...(w.board ?? []));
    if (events.some((ev) => ev.board === board && ev.kind === "all_done")) return events;
  }
  throw new Error(`board ${board} never finished: ${JSON.stringify(events)}`);
}

/** Reads the board until `pick` finds what the test waits for (the board tells no event for a claim). */
async function untilBoard<T>(s: Pick<E2E, "call">, pick: (b: BoardOut) => T | undefined): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const got = pick(await s.call<BoardOut>("board", {}));
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the board never got there");
}

// Claude's member holds its first claim with a long, slow answer: it is mid-task until killed.
const SLOW = { kind: "slow" as const, text: "working", durationMs: 120_000, chunks: 120 };

describe.each(["local", "redis"] as const)("a member killed mid-task, board on %s", (where) => {
  it("gives its task back, and another member finishes it", async () => {
    redis = where === "redis" ? await startRedisServer() : undefined;
    const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false", ...(redis === undefined ? {} : { SUBAGENT_MCP_MAILBOX_URL: redis.url }) }));
    s.fakes.claude.script(memberScript("claude", { onClaim: () => SLOW }));
    s.fakes.gemini.script(memberScript("gemini"));
    await s.call("board_add", { tasks: [{ key: "only", title: "the one task" }] });
    // Claude first, alone: it claims the task; then Gemini joins and finds nothing to take.
    const first = await s.call<{ members: { agent_id: string }[] }>("launch_team", { members: [{ provider: "claude" }] });
    const claude = first.members[0]?.agent_id ?? "";
    await untilBoard(s, (b) => (b.tasks[0]?.status === "claimed" ? true : undefined));
    const second = await s.call<{ members: { agent_id: string }[] }>("launch_team", { members: [{ provider: "gemini" }] });
    const gemini = second.members[0]?.agent_id ?? "";
    await s.call("kill_agent", { agent_id: claude });
    const events = await untilAllDone(s, "team");
    expect(events.some((ev) => ev.kind === "member_ended" && ev.detail?.includes(claude) === true)).toBe(true);
    const board = await s.call<BoardOut>("board", {});
    expect(board.tasks[0]).toMatchObject({ status: "done", by: gemini, tries: 1 });
    // The board lived where it was meant to: a journal file here, or keys in Redis and no file.
    const file = join(s.serverEnv.XDG_STATE_HOME ?? "", "subagent-mcp", "boards", "team", "board.jsonl");
    expect(existsSync(file)).toBe(where === "local");
    expect(board.tasks[0]?.sent_back?.reasons[0]).toBe(`the claimer ${claude} was stopped (interrupted or killed) before finishing it`);
  }, 240_000);
});

describe("a server restarted mid-board", () => {
  it("keeps the board, gives the gone team's claims back, and a new team finishes it", async () => {
    const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    s.fakes.claude.script(memberScript("claude", { onClaim: (key) => (key === "a" ? SLOW : undefined) }));
    await s.call("board_add", {
      tasks: [
        { key: "a", title: "first" },
        { key: "b", title: "second", depends_on: ["a"] },
      ],
    });
    await s.call("launch_team", { members: [{ provider: "claude" }] });
    const gone = await untilBoard(s, (b) => (b.tasks[0]?.status === "claimed" ? b.tasks[0].by : undefined));
    // The server dies with its member mid-task (a clean exit would have given the claim back): the board is on disk.
    const proc = (s.transport as unknown as { _process?: ChildProcess })._process;
    const died = new Promise((resolve) => proc?.once("close", resolve));
    proc?.kill("SIGKILL");
    await died;
    const again = await connectServer(s.serverEnv, s.env.cwd, "e2e-again");
    try {
      const kept = await again.call<BoardOut>("board", {});
      expect(kept.tasks.map((t) => [t.key, t.status, t.by])).toEqual([
        ["a", "claimed", gone],
        ["b", "waiting", undefined],
      ]);
      s.fakes.claude.script(memberScript("claude"));
      const resumed = await again.call<{ released: string[] }>("launch_team", { members: [{ provider: "claude" }] });
      expect(resumed.released).toEqual([gone]);
      await untilAllDone(again, "team");
      const board = await again.call<BoardOut>("board", {});
      expect(board.tasks.map((t) => [t.key, t.status])).toEqual([
        ["a", "done"],
        ["b", "done"],
      ]);
      expect(board.tasks[0]?.tries).toBe(1);
      // The journal holds every step, the gone member's claim and its release included.
      const journal = readFileSync(join(s.serverEnv.XDG_STATE_HOME ?? "", "subagent-mcp", "boards", "team", "board.jsonl"), "utf8");
      expect(journal).toContain('"type":"release_member"');
    } finally {
      await endServer(again);
    }
  }, 240_000);
});
