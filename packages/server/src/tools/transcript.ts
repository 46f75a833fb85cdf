import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { TranscriptOutput, type TurnOut, definedFields, receiptLine } from "@subagent-mcp/contract";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { ServerError } from "../errors.js";
import { jsonChars, sliceToFit } from "@subagent-mcp/mcp-transport";
import type { JournalTurn } from "@subagent-mcp/journal";
import { guard, ok } from "../answers/result.js";
import { AgentIdSchema, objectOf } from "../answers/schemas.js";
import { inLineage } from "@subagent-mcp/journal";

export const TranscriptInput = {
  agent_id: AgentIdSchema,
  from_turn: z.number().int().min(1).optional().describe("First turn to return (default 1; next_turn of the previous page)."),
  before_turn: z
    .number()
    .int()
    .min(2)
    .optional()
    .describe("Instead of from_turn: the newest turns before this one that fit, read from the journal's end (earlier_turn of the previous page)."),
  latest: z.boolean().optional().describe("Instead of from_turn: the newest turns that fit, read from the journal's end; earlier_turn pages back."),
  max_chars: z.number().int().min(200).optional().describe("At most this many characters of turns (default: what fits the result cap)."),
};

/** `transcript`: an agent's conversation turn by turn, from its journal; for live and past agents alike. */
export function registerTranscriptTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "transcript",
    {
      title: "Read a sub-agent's transcript",
      description:
        "An agent's conversation turn by turn from its journal: the prompts it got, its visible tool calls and its results. Works for live agents and for past ones (list_agents {include_past: true}). Pages with from_turn / next_turn.",
      inputSchema: objectOf(TranscriptInput),
      outputSchema: objectOf(TranscriptOutput),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const { journal } = await deps.runtime();
        if (journal === undefined) throw new ServerError("INVALID_ARGUMENT", "this server keeps no journal: poll_agent shows a live agent's last items");
        await journal.writer.flush();
        if (args.from_turn !== undefined && (args.latest === true || args.before_turn !== undefined))
          throw new ServerError("INVALID_ARGUMENT", "from_turn pages forwards, latest and before_turn backwards: give one of them");
        const budget = Math.min(args.max_chars ?? Number.MAX_SAFE_INTEGER, Math.floor(deps.maxResultChars / 2) - 1_000);
        // The journal's reader loads with the first call that reads a journal; it reads what the page needs, not the whole journal.
        const { launchEntry, turnsBefore, turnsFrom } = await import("@subagent-mcp/journal");
        const backwards = args.latest === true || args.before_turn !== undefined;
        const from = args.from_turn ?? 1;
        let read: ReturnType<typeof turnsFrom>;
        try {
          // A nested server reads only agents of its own lineage: the others are not there for it.
          if (journal.settings.lineage !== undefined && !inLineage(journal.settings.lineage, launchEntry(journal.settings.dir, args.agent_id)?.lineage))
            throw Object.assign(new Error("not in this lineage"), { code: "NOT_FOUND" });
          read = backwards
            ? turnsBefore(journal.settings.dir, args.agent_id, args.before_turn ?? Number.MAX_SAFE_INTEGER, (t) => chars(t) > budget)
            : turnsFrom(journal.settings.dir, args.agent_id, from, (t) => chars(t) > budget);
        } catch (error) {
          if ((error as { code?: string }).code === "NOT_FOUND")
            throw new ServerError("AGENT_NOT_FOUND", `no journal for agent "${args.agent_id}"; list_agents {include_past: true} shows the known agents`);
          throw error;
        }
        const { resumes } = read;
        const { page, next, earlier } = backwards ? fitNewest(read.turns, budget) : { ...fit(read.turns, budget), earlier: undefined };
        const structured = {
          agent_id: args.agent_id,
          turns: page,
          total_turns: read.newestTurn,
          ...definedFields({ next_turn: next, earlier_turn: earlier }),
          ...(resumes.length === 0 ? {} : { resumes }),
          ...(read.skipped === 0 ? {} : { skipped_lines: read.skipped }),
        };
        const text = page.map(render).join("\n\n") || "No turns.";
        const more =
          next !== undefined
            ? `\n\n[More from turn ${next}: transcript {"agent_id": "${args.agent_id}", "from_turn": ${next}}]`
            : earlier !== undefined
              ? `\n\n[Earlier turns: transcript {"agent_id": "${args.agent_id}", "before_turn": ${earlier}}]`
              : "";
        return ok(structured, `${text}${more}`);
      }),
  );
}

const chars = (turns: JournalTurn[]): number => turns.reduce((n, { usage: _usage, ...t }) => n + jsonChars(t), 0);

// The newest whole turns that fit, oldest first; the newest alone is cut when it does not fit.
function fitNewest(turns: JournalTurn[], budget: number): { page: TurnOut[]; next: undefined; earlier: number | undefined } {
  const page: TurnOut[] = [];
  let used = 0;
  for (let i = turns.length - 1; i >= 0; i--) {
    const { usage: _usage, ...turn } = turns[i] as JournalTurn;
    const size = jsonChars(turn);
    if (used + size > budget) {
      if (page.length === 0) page.push(cut(turn, budget));
      break;
    }
    page.unshift(turn);
    used += size;
  }
  const first = page[0]?.turn;
  return { page, next: undefined, earlier: first !== undefined && first > 1 ? first : undefined };
}

// Whole turns while they fit; a first turn too large alone is cut (its result says how long it was).
function fit(turns: JournalTurn[], budget: number): { page: TurnOut[]; next: number | undefined } {
  const page: TurnOut[] = [];
  let used = 0;
  for (const t of turns) {
    const { usage: _usage, ...turn } = t;
    const size = jsonChars(turn);
    if (used + size > budget) {
      if (page.length === 0) page.push(cut(turn, budget));
      const next = turns[page.length]?.turn;
      return { page, next };
    }
    page.push(turn);
    used += size;
  }
  return { page, next: undefined };
}

function cut(turn: TurnOut, budget: number): TurnOut {
  const share = Math.max(100, Math.floor(budget / 3));
  const prompts = turn.prompts.map((p) => (p.length > share ? `${p.slice(0, share)}…` : p));
  const tools = turn.tools.slice(-20);
  if (turn.result === undefined || turn.result.length <= share) return { ...turn, prompts, tools };
  return { ...turn, prompts, tools, result: sliceToFit(turn.result, 0, share), result_chars: turn.result.length };
}

function render(t: TurnOut): string {
  const lines = [`## Turn ${t.turn} (${t.at})`, ...t.prompts.map((p) => `> ${p}`), ...t.tools.map((x) => `[tool ${x}]`)];
  if (t.result !== undefined)
    lines.push(`${t.is_error === true ? "Failed: " : ""}${t.result}${t.result_chars === undefined ? "" : ` […${t.result_chars} characters]`}`);
  else lines.push("(no result: the turn was under way)");
  if (t.receipt !== undefined) lines.push(`[${receiptLine(t.receipt)}]`);
  return lines.join("\n");
}
