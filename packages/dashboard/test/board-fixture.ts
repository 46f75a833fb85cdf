// A team board as a server running a team would leave it: four tasks, one depending on another, one
// claimed, one sent back by its reviewer, one done with a receipt; and the members' turns on them.
import { join } from "node:path";
import { appendBoardTurn, openLocalBoard, type BoardTurn } from "@subagent-mcp/board";
import type { Receipt } from "@subagent-mcp/contract";

/** A receipt of a turn that changed one file and ran the tests, which passed; reviewed and approved. */
export const RECEIPT: Receipt = {
  ended: { how: "end_turn" },
  tools: { calls: 3, by_kind: { shell: 1, edit: 2 }, failed: 0 },
  commands: [{ command: "npm test", exit_code: 0, test: true }],
  permissions: [],
  files: { source: "git", changed: [{ path: "src/parse.ts", change: "modified", added: 12, removed: 3 }], total: { files: 1, added: 12, removed: 3 } },
  tests: { runs: 1, verdict: "passed" },
  tokens: { input: 1000, output: 200 },
  duration_ms: 4000,
  review: { provider: "codex", verdict: "approve", reasons: [] },
};

/** The board's members' turns: who worked on which task and what it cost. */
export const TURNS: Omit<BoardTurn, "board" | "at">[] = [
  { member: "ada", provider: "claude", turn: 1, keys: ["parse"], outcome: "done", cost_usd: 0.5 },
  { member: "bob", provider: "codex", turn: 1, keys: ["docs", "lint"], outcome: "done", cost_usd: 0.3 },
  { member: "ada", provider: "claude", turn: 2, keys: ["docs"], outcome: "sent back" },
  { member: "cy", provider: "gemini", turn: 1, keys: ["render"], cost_usd: 0.25 },
];

/** Fixed times: the board's clock, one second per operation from {@link T0}. */
export const T0 = Date.UTC(2026, 0, 2, 3, 4, 0);

/** Writes the board into `boardsDir`/`name` through the board's own store, as a team server would. */
export async function writeTeamBoard(boardsDir: string, name: string): Promise<string> {
  const dir = join(boardsDir, name);
  let clock = T0;
  const board = await openLocalBoard(dir, { now: () => (clock += 1000), options: { max_tries: 3 } });
  const ops: unknown[] = [
    {
      type: "add",
      tasks: [
        { key: "parse", title: "Parse the config file" },
        { key: "render", title: "Render the parsed config", depends_on: ["parse"] },
        { key: "docs", title: "Document the options", review: true },
        { key: "lint", title: "Lint the new code" },
      ],
    },
    {
      type: "join",
      members: [
        { name: "ada", vendor: "claude" },
        { name: "bob", vendor: "codex" },
        { name: "cy", vendor: "gemini" },
      ],
    },
    { type: "claim", key: "parse", member: "ada" },
    { type: "done", key: "parse", member: "ada", result: "Parsed with zod; 12 new lines in src/parse.ts.", receipt: RECEIPT },
    { type: "claim", key: "render", member: "cy" },
    { type: "claim", key: "docs", member: "ada" },
    { type: "done", key: "docs", member: "ada", result: "Wrote docs/options.md." },
    { type: "review", key: "docs", reviewer: "bob", verdict: "changes_requested", reasons: ["the defaults are missing", "no example"] },
  ];
  for (const op of ops) {
    const applied = await board.apply(op);
    if ("error" in applied) throw applied.error;
  }
  await board.close();
  for (const t of TURNS) await appendBoardTurn(dir, { ...t, board: name, at: new Date(T0).toISOString() });
  return dir;
}
