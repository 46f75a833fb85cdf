import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { summary } from "@subagent-mcp/board";
import type { BoardEvent } from "@subagent-mcp/contract";
import { ok } from "./answer.js";
import type { TeamHub } from "./hub.js";
import { countsLine, taskLine, taskOut } from "./render.js";

// launch_team as an MCP task, for a host that takes tasks: the task follows its board, each change
// its status ("done api", "sent back api: ..."), and completes with the board when all is done.
// Cancelling it ends the team's members.

/** What a task's runner is handed (the transport's TaskControl, as far as the board needs it). */
export interface TeamTaskControl {
  readonly signal: AbortSignal;
  status(message: string): void;
}

export interface TeamTaskWork {
  run(control: TeamTaskControl): Promise<CallToolResult>;
  cancel(): Promise<void>;
}

/** Makes the call a task when its host takes tasks (false: it answers as always). */
export type AsTask = (extra: unknown, taskId: string, statusMessage: string, work: TeamTaskWork) => boolean;

export function teamTask(hub: TeamHub, board: string): TeamTaskWork {
  return {
    run: (control) =>
      new Promise<CallToolResult>((resolve) => {
        const finish = async (): Promise<void> => {
          off();
          const b = await hub.read(board);
          resolve(
            ok({ board, tasks: b.tasks.map((t) => taskOut(t, 300)) }, [countsLine(board, b), ...b.tasks.map((t) => taskLine(taskOut(t, 300)))].join("\n")),
          );
        };
        const off = hub.events.listen((event) => {
          if (event.board !== board) return;
          control.status(statusOf(event));
          if (event.kind === "all_done") void finish();
        });
        control.signal.addEventListener("abort", off, { once: true });
        // Done before the task listened: it completes at once.
        void hub.read(board).then((b) => {
          if (summary(b).all_done) void finish();
        });
      }),
    cancel: () => {
      hub.endTeam(board);
      return Promise.resolve();
    },
  };
}

function statusOf(event: BoardEvent): string {
  const what = `${event.kind.replace("_", " ")}${event.keys.length > 0 ? ` ${event.keys.join(", ")}` : ""}`;
  return `board "${event.board}": ${what}${event.detail === undefined ? "" : `: ${event.detail.slice(0, 200)}`}`;
}
