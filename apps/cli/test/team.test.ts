import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";
import { memberScript } from "./team-driver.js";

interface BoardOut {
  tasks: { key: string; status: string; by?: string; tries: number; sent_back?: { by: string; reasons: string[] }; result?: string }[];
  team: { name: string; vendor?: string }[];
}
interface WaitOut {
  board?: { board: string; kind: string; keys: string[]; detail?: string }[];
  still_running: string[];
}

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

/** Waits (wait after wait) until the board is all done, gathering every board event on the way. */
async function untilAllDone(s: E2E, board: string): Promise<NonNullable<WaitOut["board"]>> {
  const events: NonNullable<WaitOut["board"]> = [];
  for (let i = 0; i < 60; i++) {
    const w = await s.call<WaitOut>("wait", { timeout_s: 30 });
    events.push(...(w.board ?? []));
    if (events.some((ev) => ev.board === board && ev.kind === "all_done")) return events;
  }
  const agents = await s.call("list_agents", {});
  throw new Error(
    `board ${board} never finished: ${JSON.stringify(events)}\n${JSON.stringify(await s.call("board", { board }))}\n${JSON.stringify(agents)}\n${s.stderr().slice(-3000)}`,
  );
}

describe("a team across vendors works a board", () => {
  it("six tasks, two after a third, by Claude Code, Codex and Gemini CLI members, two reviewed by another vendor, one sent back", async () => {
    const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    let sentBack = false;
    const verdict = (key: string) => {
      if (key === "api" && !sentBack) {
        sentBack = true;
        return { verdict: "changes_requested" as const, reasons: ["the api lacks error handling"] };
      }
      return { verdict: "approve" as const };
    };
    for (const cli of ["claude", "codex", "gemini"] as const) s.fakes[cli].script(memberScript(cli, { verdict }));
    const added = await s.call<{ total: number }>("board_add", {
      tasks: [
        { key: "schema", title: "write the schema" },
        { key: "api", title: "write the api", depends_on: ["schema"], review: true },
        { key: "cli", title: "write the cli", depends_on: ["schema"] },
        { key: "docs", title: "write the docs", review: true, category: "knowledge_synthesis" },
        { key: "lint", title: "lint it", category: "mechanical" },
        { key: "bench", title: "bench it", category: "mechanical" },
      ],
    });
    expect(added.total).toBe(6);
    const team = await s.call<{ members: { agent_id: string; provider: string }[] }>("launch_team", {
      members: [
        { provider: "claude" },
        { provider: "codex", model: "gpt-5.5", categories: ["mechanical"] },
        { provider: "gemini", categories: ["knowledge_synthesis"] },
      ],
    });
    expect(team.members.map((m) => m.provider)).toEqual(["claude", "codex", "gemini"]);
    const events = await untilAllDone(s, "team");
    const board = await s.call<BoardOut>("board", {});
    expect(board.tasks.map((t) => [t.key, t.status])).toEqual(["schema", "api", "cli", "docs", "lint", "bench"].map((k) => [k, "done"]));
    // The api was sent back once by its reviewer, and done again.
    const api = board.tasks.find((t) => t.key === "api");
    expect(api?.tries).toBe(1);
    expect(api?.sent_back?.reasons).toEqual(["the api lacks error handling"]);
    expect(events.some((ev) => ev.kind === "sent_back" && ev.keys.includes("api"))).toBe(true);
    // Each done exactly once: one done event per key.
    const doneKeys = events.filter((ev) => ev.kind === "done").flatMap((ev) => ev.keys);
    expect([...doneKeys].sort()).toEqual(["api", "bench", "cli", "docs", "lint", "schema"]);
    // From the board's journal: each review by another vendor than its author's, and no claim before its dependencies were done.
    const vendorOf = new Map(board.team.map((m) => [m.name, m.vendor]));
    const ops = readFileSync(join(s.serverEnv.XDG_STATE_HOME ?? "", "subagent-mcp", "boards", "team", "board.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { op: { type: string; key?: string; member?: string; reviewer?: string; verdict?: string } }).op);
    const author = new Map<string, string>();
    const done = new Set<string>();
    const reviews: string[] = [];
    for (const op of ops) {
      if (op.type === "done" && op.key !== undefined && op.member !== undefined) author.set(op.key, op.member);
      if (op.type === "review" && op.key !== undefined) {
        expect(vendorOf.get(op.reviewer ?? "")).not.toBe(vendorOf.get(author.get(op.key) ?? ""));
        reviews.push(`${op.key}:${op.verdict ?? ""}`);
        if (op.verdict === "approve") done.add(op.key);
      }
      if (op.type === "done" && op.key !== undefined && !["api", "docs"].includes(op.key)) done.add(op.key);
      if (op.type === "claim" && (op.key === "api" || op.key === "cli") && !ops.some((o) => o.type === "review" && o.key === op.key))
        expect(done.has("schema")).toBe(true);
    }
    expect(reviews.sort()).toEqual(["api:approve", "api:changes_requested", "docs:approve"]);
    // Every vendor took part; the mechanical tasks went to the member that takes them.
    expect(["lint", "bench", "docs"].map((k) => vendorOf.get(author.get(k) ?? ""))).toEqual(["codex", "codex", "gemini"]);
    const workers = new Set(ops.filter((o) => o.type === "claim").map((o) => vendorOf.get(o.member ?? "")));
    expect(workers).toEqual(new Set(["claude", "codex", "gemini"]));
  }, 300_000);
});

describe("a board refuses bad input with one clear error, and nothing half-written", () => {
  it("a cycle, an unknown or duplicate key, over 1,000 tasks, a team on an empty board", async () => {
    const s = (e = await startE2E());
    const refused = async (tool: string, args: Record<string, unknown>): Promise<string> => {
      const r = (await s.client.callTool({ name: tool, arguments: args })) as { isError?: boolean; content: { text: string }[] };
      expect(r.isError).toBe(true);
      return r.content[0]?.text ?? "";
    };
    expect(await refused("launch_team", { members: [{ provider: "claude" }] })).toBe(
      'UNKNOWN_BOARD: there is no board "team": board_add makes it with its first tasks',
    );
    const cycle = [
      { key: "a", title: "a", depends_on: ["c"] },
      { key: "b", title: "b", depends_on: ["a"] },
      { key: "c", title: "c", depends_on: ["b"] },
    ];
    expect(await refused("board_add", { tasks: cycle })).toMatch(/^DEPENDENCY_CYCLE: .*a -> c -> b -> a|^DEPENDENCY_CYCLE: /);
    expect(await refused("board_add", { tasks: [{ key: "a", title: "a", depends_on: ["nope"] }] })).toMatch(/^UNKNOWN_DEPENDENCY: task "a" depends on "nope"/);
    expect(
      await refused("board_add", {
        tasks: [
          { key: "a", title: "a" },
          { key: "a", title: "again" },
        ],
      }),
    ).toMatch(/^DUPLICATE_KEY: task "a" is twice in this add/);
    const many = Array.from({ length: 1001 }, (_, i) => ({ key: `t${i}`, title: `task ${i}` }));
    expect(await refused("board_add", { tasks: many })).toMatch(/1000/);
    // Nothing of the refused adds landed: not even the board.
    expect(await refused("board", {})).toMatch(/^UNKNOWN_BOARD: /);
    await s.call("board_add", { tasks: [{ key: "a", title: "a" }] });
    expect(await refused("board_add", { tasks: [{ key: "a", title: "a" }] })).toMatch(/^DUPLICATE_KEY: task "a" is already on the board/);
    expect(await refused("board_cancel", { keys: ["zz"] })).toMatch(/^UNKNOWN_KEY: no task has the key zz/);
  }, 120_000);
});
