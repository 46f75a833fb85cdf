import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { applyOp, BoardAddInputSchema, emptyBoard } from "@subagent-mcp/board";
import { z } from "zod";
import { guard, ok } from "./answer.js";
import type { TeamHub } from "./hub.js";
import { countsLine, taskLine, taskOut } from "./render.js";
import { launchTeam, TeamMemberInput, type LaunchMember } from "./launch-team.js";
import type { AsTask } from "./team-task.js";

// The board as the orchestrator runs it: tasks in, the whole board out, cancelling, and a team of
// sub-agents across vendors to work it. Boards are named; "team" unless a call names another.

const BoardName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a board's name is 1-64 letters, digits, '.', '_' or '-'")
  .optional()
  .describe('The board\'s name (default "team").');

const STATUSES = ["waiting", "open", "claimed", "in_review", "done", "failed", "cancelled"] as const;
// Room for each task's result and reasons in the `board` answer, so that a full board fits.
const ROOM = 300;

/** `board_add`, `board`, `board_cancel` and, given a way to launch members, `launch_team`. */
export function registerOrchestratorBoardTools(server: McpServer, hub: TeamHub, launch: LaunchMember | undefined, asTask?: AsTask): void {
  server.registerTool(
    "board_add",
    {
      title: "Add tasks to a board",
      description:
        "Add tasks to a team task board (made by the first add): each with a unique key, a title, its detail, and optionally a category, the keys it depends_on, an assignee, review (true: another vendor's member reviews it when done) or a named reviewer. All or none are added: a cycle, an unknown or duplicate key, or more than 1,000 tasks refuses the whole add.",
      inputSchema: {
        board: BoardName,
        tasks: BoardAddInputSchema.shape.tasks,
        review_default: z.boolean().optional().describe("Every task is reviewed unless it says otherwise (set when the board is made)."),
        max_tries: z.number().int().min(1).max(100).optional().describe("Attempts sent back before a task fails (default 3; set when the board is made)."),
        claim_timeout_s: z
          .number()
          .int()
          .min(10)
          .max(86_400)
          .optional()
          .describe("A claimer not heard from this long loses its claim (default 600; set when the board is made)."),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const name = args.board ?? "team";
        const options = {
          ...(args.review_default === undefined ? {} : { review_default: args.review_default }),
          ...(args.max_tries === undefined ? {} : { max_tries: args.max_tries }),
          ...(args.claim_timeout_s === undefined ? {} : { claim_timeout_ms: args.claim_timeout_s * 1000 }),
        };
        // A first add that is refused makes no board: it is tried on an empty one first.
        if (!(await hub.exists(name))) {
          const tried = applyOp(emptyBoard(options), { type: "add", tasks: args.tasks }, Date.now());
          if ("error" in tried) throw tried.error;
        }
        await hub.store(name, options);
        const after = await hub.apply(name, { type: "add", tasks: args.tasks });
        return ok(
          { board: name, added: args.tasks.map((t) => t.key), total: after.tasks.length },
          `Added ${args.tasks.length} task(s). ${countsLine(name, after)}`,
        );
      }),
  );
  server.registerTool(
    "board",
    {
      title: "Show a board",
      description:
        "A team task board: each task's state (waiting on dependencies, open, claimed by whom and since when, in review, done with its result and receipt, failed with the reason, cancelled), tries, and why it was sent back.",
      inputSchema: { board: BoardName, status: z.enum(STATUSES).optional().describe("Only the tasks in this state.") },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ board, status }) =>
      guard(async () => {
        const name = board ?? "team";
        const b = await hub.read(name);
        const tasks = b.tasks.filter((t) => status === undefined || t.state.status === status).map((t) => taskOut(t, ROOM));
        const team = (b.team ?? []).map((m) => ({ name: m.name, ...(m.vendor === undefined ? {} : { vendor: m.vendor }) }));
        return ok({ board: name, tasks, team }, [countsLine(name, b), ...tasks.map(taskLine)].join("\n"));
      }),
  );
  server.registerTool(
    "board_cancel",
    {
      title: "Cancel tasks",
      description: "Cancel the named tasks of a board (all that are not done when no keys are given); claimers finish their turn, and nothing new is taken.",
      inputSchema: { board: BoardName, keys: z.array(z.string().min(1).max(64)).max(1000).optional() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ board, keys }) =>
      guard(async () => {
        const name = board ?? "team";
        const after = await hub.apply(name, { type: "cancel", ...(keys === undefined ? {} : { keys }) });
        return ok({ board: name, cancelled: after.tasks.filter((t) => t.state.status === "cancelled").map((t) => t.key) }, countsLine(name, after));
      }),
  );
  if (launch === undefined) return;
  server.registerTool(
    "launch_team",
    {
      title: "Launch a team on a board",
      description:
        "Start sub-agents (of any vendor: one entry per provider, model or category) that take the board's tasks one per turn until none is left; a task with review goes to a member of another vendor than its author. Returns at once; wait reports the board's changes (done, failed, sent back, all done). On a board whose earlier team is gone, their claims go back first.",
      inputSchema: {
        board: BoardName,
        members: z.array(TeamMemberInput).min(1).max(10),
        cwd: z.string().optional().describe("Where the members work (default: the server's folder)."),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) => guard(() => launchTeam(hub, { launch, asTask }, { ...args, board: args.board ?? "team" }, extra)),
  );
}
