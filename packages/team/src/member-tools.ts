import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { BoardError, claimable, type Board, type Task } from "@subagent-mcp/board";
import { z } from "zod";
import { clip, guard, ok } from "./answer.js";
import type { TeamHub } from "./hub.js";
import { receiptText } from "./render.js";

// The board as a member works it, on the member's own messaging server: what it may take, a claim,
// and the end of its task. The member is the agent the server speaks for (`self`): nobody claims,
// finishes or reviews in another's name.

const KeySchema = z.string().min(1).max(64).describe("The task's key.");
const BoardName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
  .optional()
  .describe("The board (default: the one your team works).");

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const writes = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

/** What a member reads of a task it may take: the whole detail, the reasons it came back, and for a review the work to judge. */
interface Takeable {
  key: string;
  title: string;
  kind: "review" | "task";
  detail?: string;
  category?: string;
  sent_back?: { by: string; reasons: string[] };
  author?: string;
  result?: string;
  receipt?: string;
}

function takeable(task: Task): Takeable {
  const s = task.state;
  return {
    key: task.key,
    title: task.title,
    kind: s.status === "in_review" ? "review" : "task",
    ...(task.detail === undefined ? {} : { detail: task.detail }),
    ...(task.category === undefined ? {} : { category: task.category }),
    ...(task.sent_back === undefined ? {} : { sent_back: task.sent_back }),
    ...(s.status === "in_review" ? { author: s.by, result: s.result, ...receiptField(s.receipt) } : {}),
  };
}

const receiptField = (receipt: unknown): { receipt?: string } => {
  const line = receiptText(receipt);
  return line === undefined ? {} : { receipt: line };
};

function takeableText(t: Takeable): string {
  const sent = t.sent_back;
  return [
    `- ${t.key} (${t.kind}): ${t.title}`,
    t.detail === undefined ? "" : `  detail: ${t.detail}`,
    sent === undefined ? "" : `  an earlier attempt was sent back by ${sent.by}: ${sent.reasons.join("; ")}`,
    t.kind === "review" ? `  to review: ${t.author ?? ""}'s result: ${t.result ?? ""}${t.receipt === undefined ? "" : ` [${t.receipt}]`}` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

/** `board`, `board_claim`, `board_done`, `board_fail` and `board_review` for agent `self`. */
export function registerMemberBoardTools(server: McpServer, hub: TeamHub, self: string): void {
  const nameOf = (board: string | undefined): string => board ?? hub.boardOf(self) ?? "team";
  const m: Member = { server, hub, self, nameOf };
  registerBoard(m);
  registerClaim(m);
  registerDone(m);
  registerFail(m);
  registerReview(m);
}

/** What each member tool acts with. */
interface Member {
  server: McpServer;
  hub: TeamHub;
  self: string;
  nameOf: (board: string | undefined) => string;
}

function registerBoard({ server, hub, self, nameOf }: Member): void {
  server.registerTool(
    "board",
    {
      title: "Tasks you may take",
      description:
        "The team task board: the tasks you may take now (with their detail, and why an earlier attempt was sent back), the reviews you may do, and what you hold.",
      inputSchema: { board: BoardName },
      annotations: readOnly,
    },
    ({ board }) =>
      guard(async () => {
        const name = nameOf(board);
        const b = await hub.read(name);
        const may = claimable(b, self).map(takeable);
        const held = heldBy(b, self);
        const lines = may.length === 0 ? ["Nothing you may take now."] : ["You may take:", ...may.map(takeableText)];
        if (held.length > 0) lines.push(`You hold: ${held.join(", ")} (finish with board_done or board_fail).`);
        const next = may.length === 0 ? "End your turn." : "Take one with board_claim {key}.";
        return ok({ board: name, may_take: may, holding: held, next }, lines.join("\n"));
      }),
  );
}

function registerClaim({ server, hub, self, nameOf }: Member): void {
  server.registerTool(
    "board_claim",
    {
      title: "Claim a task",
      description: "Take a task (or a review) from the board: one member wins when several claim at once. Answers with the task's detail.",
      inputSchema: { key: KeySchema, board: BoardName },
      annotations: writes,
    },
    ({ key, board }) =>
      guard(async () => {
        const name = nameOf(board);
        const after = await hub.apply(name, { type: "claim", key, member: self });
        const task = after.tasks.find((t) => t.key === key) as Task;
        const t = takeable(task);
        const next =
          t.kind === "review"
            ? "Review it, then answer with board_review {key, verdict, reasons}."
            : "Do it, then record it with board_done {key, result} (or board_fail {key, reason}).";
        return ok({ board: name, claimed: t, next }, `Claimed:\n${takeableText(t)}\n${next}`);
      }),
  );
}

function registerDone({ server, hub, self, nameOf }: Member): void {
  server.registerTool(
    "board_done",
    {
      title: "Finish a task",
      description:
        "Record the task you claimed as done, with a short result (what you did, naming files). It counts when your turn ends, with that turn's receipt: end your turn next.",
      inputSchema: { key: KeySchema, result: z.string().min(1).describe("What you did, briefly; point at files for the rest."), board: BoardName },
      annotations: writes,
    },
    ({ key, result, board }) =>
      guard(async () => {
        const name = nameOf(board);
        const b = await hub.read(name);
        checkHolds(b, key, self);
        const limit = b.options.max_result_chars;
        if (result.length > limit) {
          throw new BoardError(
            "RESULT_TOO_LARGE",
            `a result may hold ${limit} characters; this one has ${result.length}: keep it short and point at files for the rest`,
          );
        }
        hub.pendDone(self, { board: name, key, result });
        const next = `Recorded: "${key}" is done once this turn ends and its receipt backs it. End your turn now with a one-line summary.`;
        return ok({ board: name, key, recorded: true, next }, next);
      }),
  );
}

function registerFail({ server, hub, self, nameOf }: Member): void {
  server.registerTool(
    "board_fail",
    {
      title: "Give up a task",
      description: "Mark the task you claimed as failed, with the reason (it will not be retried by the board).",
      inputSchema: { key: KeySchema, reason: z.string().min(1).max(20_000), board: BoardName },
      annotations: writes,
    },
    ({ key, reason, board }) =>
      guard(async () => {
        const name = nameOf(board);
        await hub.apply(name, { type: "fail", key, member: self, reason });
        const next = `"${key}" is marked failed. End your turn now.`;
        return ok({ board: name, key, status: "failed", next }, next);
      }),
  );
}

function registerReview({ server, hub, self, nameOf }: Member): void {
  server.registerTool(
    "board_review",
    {
      title: "Review a task",
      description:
        "Give your verdict on a finished task you claimed for review: approve, or changes_requested with the reasons (the next claimer reads them first).",
      inputSchema: {
        key: KeySchema,
        verdict: z.enum(["approve", "changes_requested"]),
        reasons: z.array(z.string().min(1).max(20_000)).max(50).optional().describe("Why (required with changes_requested)."),
        board: BoardName,
      },
      annotations: writes,
    },
    ({ key, verdict, reasons, board }) =>
      guard(async () => {
        const name = nameOf(board);
        const after = await hub.apply(name, { type: "review", key, reviewer: self, verdict, reasons: reasons ?? [] });
        const status = after.tasks.find((t) => t.key === key)?.state.status ?? "unknown";
        const next = `"${key}" is now ${status}. End your turn now.`;
        return ok({ board: name, key, status, next }, next);
      }),
  );
}

function heldBy(board: Board, self: string): string[] {
  return board.tasks
    .filter((t) => (t.state.status === "claimed" && t.state.by === self) || (t.state.status === "in_review" && t.state.reviewer === self))
    .map((t) => t.key);
}

function checkHolds(board: Board, key: string, self: string): void {
  const task = board.tasks.find((t) => t.key === key);
  if (task === undefined) throw new BoardError("UNKNOWN_KEY", `no task has the key "${key}"`);
  const s = task.state;
  if (s.status === "claimed" && s.by === self) return;
  const holder = s.status === "claimed" ? `claimed by ${s.by}` : s.status;
  throw new BoardError("NOT_CLAIMER", `task "${key}" is ${holder}: claim it with board_claim first (${clip(task.title, 80)})`);
}
