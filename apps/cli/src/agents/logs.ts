import { join } from "node:path";
import { entriesBefore, entriesStats, followJournal, journalEntries, launchEntry, type JournalEntry } from "@subagent-mcp/journal";
import { stateLayout } from "@subagent-mcp/state";
import { defineCommand } from "citty";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";
import { receiptLines } from "./logs-receipt.js";
import { printTree } from "./logs-tree.js";

// An agent's journal in a terminal: the same conversation `transcript` returns, one line per event
// (a finished turn's receipt under it, logs-receipt.ts), or the raw entries with --json. A page at
// a time: its launch, then the entries of its newest turns (--turns), read backwards from the
// journal's end, and the command that prints the page before (--before-turn); --all streams the
// whole journal a line at a time; --follow keeps printing a live agent's until it ends; --tree
// prints its tree of nested agents instead (logs-tree.ts).

/** Turns a page of `logs` shows by default. */
const PAGE_TURNS = 20;

function line(e: JournalEntry): string {
  const at = e.at.slice(11, 19);
  switch (e.t) {
    case "launch":
      return `${at} launched ${e.agent_id} on ${e.provider}${e.model === undefined ? "" : ` (${e.model})`} in ${e.cwd}${e.label === undefined ? "" : ` "${e.label}"`}${e.worktree === undefined ? "" : ` on branch ${e.worktree.branch}`}${serversOf(e.mcp_servers)}`;
    case "resume":
      return `${at} resumed (${e.reason}) by server pid ${e.server.pid}`;
    case "session":
      return `${at} session ${e.session_id}${e.model === undefined ? "" : ` (${e.model})`}`;
    case "prompt":
      return `${at} turn ${e.turn} > ${e.text}`;
    case "tool":
      return `${at} turn ${e.turn} [tool ${e.summary}]`;
    case "error":
      return `${at} error${e.transient ? " (transient)" : ""}: ${e.message}`;
    case "turn": {
      const done = `${at} turn ${e.turn} ${e.is_error ? "failed" : e.interrupted ? "interrupted" : "done"} in ${e.duration_ms} ms${e.cost_usd === undefined ? "" : `, $${e.cost_usd.toFixed(4)}`}: ${e.result}`;
      return e.receipt === undefined ? done : [done, ...receiptLines(e.receipt)].join("\n");
    }
    case "status":
      return `${at} ${e.status}${e.alive ? "" : " (session ended)"}${e.note === undefined ? "" : `: ${e.note}`}`;
    case "end":
      return `${at} ended ${e.status}: ${e.why}`;
    case "attempt": {
      const from = `${e.provider}/${e.model ?? "default"}`;
      const to = `${e.next.provider}/${e.next.model ?? "default"}`;
      const check =
        e.check === undefined
          ? ""
          : `\n${e.check.output_tail
              .split("\n")
              .slice(-5)
              .map((l) => `    | ${l}`)
              .join("\n")}`;
      return `${at} ${e.kind === "escalation" ? "escalated" : "failed over"} from ${from} to ${to}: ${e.reason}${check}`;
    }
  }
}

/** `subagent-mcp logs AGENT [--follow] [--json]`: an agent's journal, live or past; `logs --tree [AGENT]`: its agent tree. */
export const logsCommand = defineCommand({
  meta: {
    name: "logs",
    description: "Print an agent's journal (its prompts, tool calls, turns and how it ended); --follow a live one; --tree its tree of nested agents",
  },
  args: {
    agent: { type: "positional", description: "The agent's id (list_agents shows them); optional with --tree", required: false },
    follow: { type: "boolean", description: "Keep printing new entries until the agent ends (Ctrl-C stops)" },
    tree: {
      type: "boolean",
      description: "The agent and the agents nested under it, their turns, permission waits and budget stops (no AGENT: the recent ones)",
    },
    json: { type: "boolean", description: "One JSON entry per line (with --tree: the tree's rows)" },
    turns: { type: "string", description: `The entries of this many of the newest turns (default ${PAGE_TURNS})` },
    "before-turn": { type: "string", description: "The page before this turn (what the previous page said to run)" },
    all: { type: "boolean", description: "The whole journal, oldest first (read a line at a time)" },
  },
  async run({ args }) {
    const ctx = cliContext();
    const dir = join(ctx.stateDir, "agents");
    const agent = args.agent === undefined || args.agent === "" ? undefined : args.agent;
    if (args.tree === true) {
      if (args.follow === true) fail("logs: --tree does not --follow; run it again, or watch the dashboard's timeline");
      printTree(ctx, dir, stateLayout(ctx.stateDir).boards, agent, args.json === true);
      return;
    }
    if (agent === undefined) fail("logs: which agent? Give its id (list_agents shows them), or --tree for the recent agents' tree");
    const print = (e: JournalEntry): void => {
      process.stdout.write(`${args.json ? JSON.stringify(e) : line(e)}\n`);
    };
    try {
      if (args.follow !== true) {
        printPage(dir, agent, print, {
          turns: count(args.turns, "--turns", 1),
          before: count(args["before-turn"], "--before-turn", 2),
          all: args.all === true,
        });
        return;
      }
      const stop = new AbortController();
      process.once("SIGINT", () => {
        stop.abort();
      });
      // An end stops the follow, unless the history read in the same batch goes on with a resume.
      let ending: NodeJS.Immediate | undefined;
      await followJournal(
        dir,
        agent,
        (e) => {
          print(e);
          if (e.t === "end")
            ending = setImmediate(() => {
              stop.abort();
            });
          else if (e.t === "resume") clearImmediate(ending);
        },
        stop.signal,
      );
    } catch (error) {
      if ((error as { code?: string }).code === "NOT_FOUND") fail(`logs: no journal for agent "${agent}" in ${dir}`);
      throw error;
    }
  },
});

// A whole number of at least `min` from an option, undefined when not given.
function count(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`logs: ${name} takes a whole number of at least ${min} (got "${value}")`);
  return n;
}

// One page (or, with `all`, the whole journal streamed); on stderr, how to read the page before it and what could not be read.
function printPage(
  dir: string,
  agent: string,
  print: (e: JournalEntry) => void,
  page: { turns?: number | undefined; before?: number | undefined; all: boolean },
): void {
  let skipped: number;
  if (page.all) {
    const stats = entriesStats();
    for (const e of journalEntries(dir, agent, stats, { copies: "skip" })) print(e);
    skipped = stats.skipped;
  } else {
    const turns = page.turns ?? PAGE_TURNS;
    const read = entriesBefore(dir, agent, page.before ?? Number.POSITIVE_INFINITY, turns);
    const launch = launchEntry(dir, agent);
    if (launch !== undefined) print(launch);
    if (read.earlierTurn !== undefined)
      process.stderr.write(
        `[earlier turns: subagent-mcp logs ${agent} --before-turn ${read.earlierTurn}${page.turns === undefined ? "" : ` --turns ${turns}`}; the whole journal: --all]\n`,
      );
    for (const e of read.entries) print(e);
    skipped = read.skipped;
  }
  if (skipped > 0) process.stderr.write(`${skipped} journal line(s) could not be read (e.g. one cut by a crash)\n`);
}

// The user's MCP servers it was handed, as the journal keeps them (no env, no headers).
function serversOf(servers: { name: string; from: string; command?: string; url?: string }[] | undefined): string {
  if (servers === undefined || servers.length === 0) return "";
  return ` with MCP servers ${servers.map((s) => `${s.name} (${s.from}: ${s.url ?? s.command ?? "?"})`).join(", ")}`;
}
