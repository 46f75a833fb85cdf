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
  throw new Error(`board ${board} never finished: ${JSON.stringify(events)}`);
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
        { key: "docs", title: "write the docs", review: true },
        { key: "lint", title: "lint it" },
        { key: "bench", title: "bench it" },
      ],
    });
    expect(added.total).toBe(6);
    const team = await s.call<{ members: { agent_id: string; provider: string }[] }>("launch_team", {
      members: [{ provider: "claude" }, { provider: "codex", model: "gpt-5.5" }, { provider: "gemini" }],
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
    // The reviews went to another vendor than the author's.
    const vendorOf = new Map(board.team.map((m) => [m.name, m.vendor]));
    for (const cli of ["claude", "codex", "gemini"] as const) {
      for (const r of s.fakes[cli].requests.filter((q) => q.messages.some((m) => m.role === "tool" && /Claimed:\n- (api|docs) \(review\)/.test(m.text)))) {
        const author = /to review: (\S+)'s result/.exec(r.messages.find((m) => m.role === "tool" && m.text.includes("to review:"))?.text ?? "")?.[1];
        expect(vendorOf.get(author ?? "")).not.toBe(cli);
      }
    }
    // No task was claimed before its dependencies were done.
    const order = events.filter((ev) => ev.kind === "done").flatMap((ev) => ev.keys);
    expect(order.indexOf("schema")).toBeLessThan(order.indexOf("api"));
    expect(order.indexOf("schema")).toBeLessThan(order.indexOf("cli"));
  }, 300_000);
});
