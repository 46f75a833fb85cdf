import { markBoardTasks } from "@subagent-mcp/board";
import type { TimelineRow, TimelineTurn } from "@subagent-mcp/contract";
import { agentTree, JournalError } from "@subagent-mcp/journal";
import { DEFAULT_PRICES, mergePrices, recordedCost } from "@subagent-mcp/usage";
import { configOrFail } from "../config.js";
import type { CliContext } from "../context.js";
import { fail } from "../fail.js";
import { definedFields } from "@subagent-mcp/contract/fields";

// `logs --tree`: the agent tree's timeline in a terminal, the dashboard's picture as text: one line
// per agent indented by depth, under it its turns, permission waits and budget stops in time order.
// A team board member's turn names the board tasks it worked on ("[board team: api, tests]").

const usd = (n: number | undefined): string => (n === undefined ? "cost unknown" : `$${n.toFixed(4)}`);
const span = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
const between = (a: string, b: string): number => Math.max(0, Date.parse(b) - Date.parse(a));
const clock = (at: string): string => at.slice(11, 19);

const tasks = (t: TimelineTurn): string => (t.tasks ?? []).map((b) => ` [board ${b.board}: ${b.keys.join(", ")}]`).join("");

/** The lines of one agent: itself, then its turns and marks by time, indented under it. */
function agentLines(r: TimelineRow, now: string): string[] {
  const pad = "  ".repeat(r.depth);
  const model = r.model === undefined ? r.provider : `${r.provider}/${r.model}`;
  const label = r.label === undefined ? "" : ` "${r.label}"`;
  const took = span(between(r.started_at, r.ended_at ?? now));
  const cost = r.unknown_cost_turns > 0 && r.cost_usd !== undefined ? `${usd(r.cost_usd)} + ${r.unknown_cost_turns} unpriced` : usd(r.cost_usd);
  const head = `${pad}${r.depth > 0 ? "└ " : ""}${r.agent_id} ${model}${label} ${r.status}${r.live ? " (live)" : ""}, ${r.turns.length} turn${r.turns.length === 1 ? "" : "s"}, ${took}${r.live ? " so far" : ""}, ${cost}`;
  const inner = `${pad}${r.depth > 0 ? "  " : ""}  `;
  const items: { at: string; text: string }[] = [
    ...r.turns.map((t) => {
      const flagged = t.receipt_line?.startsWith("SUSPECT") === true ? " [SUSPECT]" : "";
      const state = (t.end === undefined ? " [under way]" : t.is_error ? " [failed]" : t.interrupted ? " [interrupted]" : "") + flagged;
      const took = t.end === undefined ? `${span(between(t.start, now))} so far` : span(t.duration_ms ?? between(t.start, t.end));
      return { at: t.start, text: `turn ${t.turn}  ${took}  ${usd(t.cost_usd)}${state}${tasks(t)}  ${t.prompt_head}` };
    }),
    ...r.marks.map((m) => ({
      at: m.at,
      text:
        m.kind === "permission"
          ? `! permission wait at ${clock(m.at)}, ${m.until === undefined ? "still waiting" : span(between(m.at, m.until))}${m.note === undefined ? "" : `: ${m.note}`}`
          : `! budget stop at ${clock(m.at)}${m.note === undefined ? "" : `: ${m.note}`}`,
    })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return [head, ...items.map((i) => `${inner}${i.text}`)];
}

/** The tree as text, one agent after another (parents first). */
export function renderTree(rows: TimelineRow[], now: string): string {
  return rows.flatMap((r) => agentLines(r, now)).join("\n");
}

/** Prints the tree under `root` (default: the recent roots) of agents dir `dir` as text or, with `json`, its rows; their turns on the boards of `boardsDir` name their tasks. */
export function printTree(ctx: Pick<CliContext, "cwd" | "env">, dir: string, boardsDir: string, root: string | undefined, json: boolean): void {
  const prices = mergePrices(DEFAULT_PRICES, configOrFail(ctx).prices);
  let rows: TimelineRow[];
  try {
    rows = agentTree(dir, { ...definedFields({ root }), price: (turn) => recordedCost(turn, prices) });
  } catch (error) {
    if (error instanceof JournalError && error.code === "NOT_FOUND") fail(`logs: no journal for agent "${root ?? ""}" in ${dir}`);
    if (error instanceof JournalError && error.code === "BAD_ID") fail(`logs: ${error.message}`);
    throw error;
  }
  markBoardTasks(rows, boardsDir);
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stderr.write(`no agent in the journal (${dir})\n`);
    return;
  }
  process.stdout.write(`${renderTree(rows, new Date().toISOString())}\n`);
}
