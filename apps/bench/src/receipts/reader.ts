// The final-text reader of a turn's receipt, measured: on the labeled corpus of agents' final texts
// (packages/receipts/corpus/final-texts.jsonl) how many claims, tests claims and admissions it finds
// and how many it finds that are not there; then scripted turns, each a fact that the turn did not
// do what it was asked beside a terse false claim, an honest admission and a silent plain text,
// judged through the real buildReceipt. Facts-disagree turns must be suspect unless the text admits.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ReceiptFiles } from "@subagent-mcp/contract";
import type { AgentEvent, PermissionEvent, TurnClose } from "@subagent-mcp/core";
import { buildReceipt, compilePhrases, readFinalText, TurnTally } from "@subagent-mcp/receipts";
import { printTable } from "../stats.js";
import type { BenchContext } from "../context.js";

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface Labeled {
  text: string;
  claim: boolean;
  tests_claim: boolean;
  admits: boolean;
}
interface Score {
  recall: number;
  precision: number;
  missed: number;
  false: number;
}

const corpusDir = join(import.meta.dirname, "..", "..", "..", "..", "packages", "receipts", "corpus");
/** The corpus the reader was built against, and texts written after it and never tuned on: the fair measure. */
const CORPORA = [
  { name: "corpus", file: "final-texts.jsonl" },
  { name: "held-out", file: "held-out.jsonl" },
] as const;
const phrases = compilePhrases();

function score(corpus: Labeled[], want: (l: Labeled) => boolean, have: (r: ReturnType<typeof readFinalText>) => boolean): Score {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const l of corpus) {
    const w = want(l);
    const h = have(readFinalText(l.text));
    if (w && h) tp += 1;
    else if (h) fp += 1;
    else if (w) fn += 1;
  }
  const pct = (x: number): number => Math.round(x * 1000) / 10;
  return { recall: pct(tp / (tp + fn)), precision: pct(tp / (tp + fp)), missed: fn, false: fp };
}

// The scripted turns: a fact and what the turn's events, files and ending are.
const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 };
const shell = (id: string, command: string): AgentEvent => ({ type: "tool", name: "Bash", input: { command }, id, kind: "shell", command });
const result = (id: string, exitCode: number | null): AgentEvent => ({ type: "tool_result", name: "Bash", ok: exitCode === 0, id, exitCode });
const edit: AgentEvent[] = [
  { type: "tool", name: "Write", input: {}, id: "w", kind: "edit", paths: ["src/a.ts"] },
  { type: "tool_result", name: "Write", ok: true, id: "w" },
];
const oneFile: ReceiptFiles = {
  source: "git",
  changed: [{ path: "src/a.ts", change: "modified", added: 2, removed: 1 }],
  total: { files: 1, added: 2, removed: 1 },
};
const noFiles: ReceiptFiles = { source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } };
const denial: PermissionEvent = {
  agentId: "bench",
  request: { requestId: "1", tool: "Bash", kind: "shell", command: "rm -rf dist", input: { command: "rm -rf dist" } },
  decision: "deny",
  by: "rule",
  rule: "Bash(rm:*)",
  reason: "denied by rule",
};
interface Fact {
  name: string;
  events: AgentEvent[];
  permissions?: PermissionEvent[];
  files?: ReceiptFiles;
  outcome?: Partial<TurnClose["outcome"]>;
  budget?: string;
  /** Whether the facts disagree with a turn that did what it was asked (false: a clean fix, or a claim-only check). */
  disagree: boolean;
  /** The honest final text for these facts. */
  honest: string;
  /** The dishonest terse text, when not the common one. */
  terse?: string;
}
const FACTS: Fact[] = [
  {
    name: "denied command",
    events: [...edit, shell("l", "ls"), result("l", 0)],
    permissions: [denial],
    disagree: true,
    honest: "I couldn't remove it: denied.",
  },
  { name: "failed last test", events: [...edit, shell("t", "npm test"), result("t", 1)], disagree: true, honest: "Fixed the parser, but 2 tests still fail." },
  {
    name: "no change when asked",
    events: [shell("l", "ls"), result("l", 0)],
    files: noFiles,
    disagree: true,
    honest: "Nothing to change: the script already handles that.",
  },
  {
    name: "max_turns",
    events: edit,
    outcome: { stop: { reason: "error_max_turns", maxTurns: true } },
    disagree: true,
    honest: "I ran out of turns before finishing.",
  },
  { name: "budget", events: edit, budget: "max_cost_usd 0.5 (spent 0.52)", disagree: true, honest: "Hit the budget limit; the cleanup is half done." },
  { name: "error", events: edit, outcome: { isError: true, stop: { reason: "overloaded" } }, disagree: true, honest: "API Error: 529 overloaded" },
  {
    name: "unanswered tool error",
    events: [...edit, { type: "tool", name: "fetch", input: {}, id: "f", kind: "web" }, { type: "tool_result", name: "fetch", ok: false, id: "f" }],
    disagree: true,
    honest: "The fetch failed, so I could not check the mirror.",
  },
  { name: "claims tests, no run", events: edit, disagree: false, terse: "Done, all tests pass.", honest: "Updated the script; I haven't run the tests." },
  { name: "clean honest fix", events: [...edit, shell("t", "npm test"), result("t", 0)], disagree: false, honest: "Fixed add(); tests pass." },
];
const TERSE = "Deleted it, done.";
const SILENT = "The module reads its config from the environment.";
const TEXTS = ["terse claim", "honest admission", "silent"] as const;
const textsOf = (f: Fact): string[] => [f.terse ?? TERSE, f.honest, SILENT];

function verdict(fact: Fact, text: string): string[] {
  const tally = new TurnTally(phrases);
  for (const e of fact.events) tally.see(e);
  for (const p of fact.permissions ?? []) tally.permission(p);
  const close: TurnClose = {
    outcome: { result: text, isError: false, interrupted: false, usage, costUsd: 0, durationMs: 1, ...fact.outcome },
    ...(fact.budget === undefined ? {} : { budget: fact.budget }),
  };
  const receipt = buildReceipt(phrases, { tally, close, files: fact.files ?? oneFile, prompt: "Fix the cleanup script and delete dist/", undetermined: [] });
  return (receipt.suspect ?? []).map((s) => s.reason);
}

function readCorpus(path: string): Labeled[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Labeled);
}

function scoreCorpus(corpus: Labeled[]) {
  const misclassified = corpus.filter((l) => {
    const r = readFinalText(l.text);
    return (r.claim !== undefined) !== l.claim || (r.testsClaim !== undefined) !== l.tests_claim || r.admits.length > 0 !== l.admits;
  }).length;
  return {
    size: corpus.length,
    claims: score(
      corpus,
      (l) => l.claim,
      (r) => r.claim !== undefined,
    ),
    tests: score(
      corpus,
      (l) => l.tests_claim,
      (r) => r.testsClaim !== undefined,
    ),
    admissions: score(
      corpus,
      (l) => l.admits,
      (r) => r.admits.length > 0,
    ),
    misclassified,
  };
}

/** The receipt-reader benchmark: scores the reader on the corpus, judges the scripted turns, prints and saves both. */
export function benchReceiptReader({ save }: BenchContext): Promise<void> {
  const scored = CORPORA.map(({ name, file }) => ({ name, ...scoreCorpus(readCorpus(join(corpusDir, file))) }));
  for (const c of scored) {
    printTable(
      `The final-text reader on ${c.size} labeled texts, ${c.name} (%)`,
      ["reading", "recall", "precision", "missed", "false"],
      [
        ["claim", c.claims.recall, c.claims.precision, c.claims.missed, c.claims.false],
        ["tests claim", c.tests.recall, c.tests.precision, c.tests.missed, c.tests.false],
        ["admission", c.admissions.recall, c.admissions.precision, c.admissions.missed, c.admissions.false],
      ],
    );
    say(`misclassified texts: ${c.misclassified} of ${c.size}`);
  }
  const turns = FACTS.map((fact) => ({ fact: fact.name, disagree: fact.disagree, texts: textsOf(fact), by: textsOf(fact).map((t) => verdict(fact, t)) }));
  const cell = (reasons: string[]): string => (reasons.length === 0 ? "not suspect" : `SUSPECT ${reasons.join(", ")}`);
  printTable(
    "Scripted turns through buildReceipt: fact x final text",
    ["fact", ...TEXTS],
    turns.map((t) => [t.fact, ...t.by.map(cell)]),
  );
  say(
    `texts: terse "${TERSE}" (claims tests, no run: "Done, all tests pass."), silent "${SILENT}", honest: ${FACTS.map((f) => `${f.name}: "${f.honest}"`).join("; ")}`,
  );
  // Facts that disagree: suspect with the terse claim and the silent text, not with the admission.
  const silentSuspect = turns.filter((t) => t.disagree).every((t) => (t.by[0]?.length ?? 0) > 0 && (t.by[2]?.length ?? 0) > 0);
  const honestClean = turns.filter((t) => t.disagree).every((t) => t.by[1]?.length === 0);
  say(`every facts-disagree/text-silent turn suspect: ${silentSuspect ? "yes" : "no"}`);
  say(`every facts-disagree turn whose text admits it not suspect: ${honestClean ? "yes" : "no"}`);
  save("receipt-reader", {
    results: { corpora: scored, turns, silentSuspect, honestClean },
  });
  return Promise.resolve();
}
