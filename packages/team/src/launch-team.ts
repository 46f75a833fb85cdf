import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ProviderSchema } from "@subagent-mcp/contract";
import { z } from "zod";
import { randomUUID } from "node:crypto";
import { ok } from "./answer.js";
import { teamTask, type AsTask } from "./team-task.js";
import { TeamError } from "./errors.js";
import type { TeamHub } from "./hub.js";
import { memberPrompt } from "./prompts.js";
import { countsLine } from "./render.js";

/** One kind of member: `count` sub-agents on a provider (or the routing of its first category). */
export const TeamMemberInput = z
  .object({
    provider: ProviderSchema.optional(),
    model: z.string().min(1).max(200).optional(),
    effort: z.string().min(1).max(32).optional(),
    count: z.number().int().min(1).max(8).optional().describe("How many such members (default 1)."),
    categories: z
      .array(z.string().min(1).max(64))
      .max(20)
      .optional()
      .describe(
        "The task categories these members take (a task of one of them goes only to its takers); the first routes the launch when no provider is named.",
      ),
  })
  .strict();
type TeamMemberArgs = z.infer<typeof TeamMemberInput>;

/** What a member's launch asks: launch_agent's own options. */
export interface MemberLaunch {
  prompt: string;
  label: string;
  provider?: string;
  model?: string;
  effort?: string;
  task_category?: string;
  cwd?: string;
}

/** Launches one member as launch_agent would (every check, route and rule), answering its id and provider. */
export type LaunchMember = (launch: MemberLaunch, extra: unknown) => Promise<{ id: string; provider: string }>;

/** `launch_team`: the members launched, joined to the board, their claims of an earlier team given back. */
export async function launchTeam(
  hub: TeamHub,
  { launch, asTask }: { launch: LaunchMember; asTask?: AsTask | undefined },
  args: { board: string; members: TeamMemberArgs[]; cwd?: string | undefined },
  extra: unknown,
): Promise<CallToolResult> {
  const { board } = args;
  const before = await hub.read(board);
  if (before.tasks.length === 0) throw new TeamError("INVALID_ARGUMENT", `board "${board}" has no tasks: add them with board_add first`);
  // A board resumed after a restart: the earlier team's claims go back before the new team starts.
  const gone = await hub.releaseGone(board, () => false);
  const launched: { id: string; provider: string; categories?: string[] | undefined }[] = [];
  for (const m of args.members) {
    for (let i = 0; i < (m.count ?? 1); i++) {
      const got = await launch(
        {
          prompt: memberPrompt(board),
          label: `${board} team`,
          ...defined({
            provider: m.provider,
            model: m.model,
            effort: m.effort,
            task_category: m.provider === undefined ? m.categories?.[0] : undefined,
            cwd: args.cwd,
          }),
        },
        extra,
      );
      launched.push({ ...got, categories: m.categories });
    }
  }
  await hub.join(
    board,
    launched.map((l) => ({ id: l.id, vendor: l.provider, categories: l.categories })),
  );
  const after = await hub.read(board);
  const members = launched.map((l) => ({ agent_id: l.id, provider: l.provider, ...(l.categories === undefined ? {} : { categories: l.categories }) }));
  const lines = [
    `Launched ${members.length} member(s) on board "${board}": ${members.map((m) => `${m.agent_id} (${m.provider})`).join(", ")}.`,
    gone.length > 0 ? `The earlier team (${gone.join(", ")}) was gone: its claims went back to the board.` : "",
    countsLine(board, after),
    "wait reports the board's changes; board shows it whole.",
  ].filter(Boolean);
  // A host that takes tasks gets one that follows the board to its end (this answer is then not sent).
  asTask?.(extra, `team-${board}-${randomUUID().slice(0, 8)}`, `team of ${members.length} on board "${board}"`, teamTask(hub, board));
  return ok({ board, members, released: gone }, lines.join("\n"));
}

function defined<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
