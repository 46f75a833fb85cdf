// English morphology a final text is read with: which words are past tenses or participles of work
// done, which are the words of tests and of passing. Regular forms are told by their ending; only
// the common irregular verbs and the verbs that report looking rather than doing are listed.

/** Irregular past tenses of verbs of work ("Wrote the migration", "I ran the suite"). */
const IRREGULAR_PAST = new Set([
  "made",
  "remade",
  "wrote",
  "rewrote",
  "built",
  "rebuilt",
  "set",
  "reset",
  "put",
  "ran",
  "reran",
  "split",
  "took",
  "brought",
  "went",
  "did",
  "redid",
  "undid",
  "cut",
  "kept",
  "bound",
  "shipped",
]);
/** Irregular participles of verbs of work ("has been rewritten", "Taken care of"). */
const IRREGULAR_PARTICIPLE = new Set([
  "made",
  "written",
  "rewritten",
  "built",
  "rebuilt",
  "set",
  "reset",
  "put",
  "run",
  "rerun",
  "split",
  "taken",
  "gone",
  "brought",
  "kept",
  "cut",
  "done",
  "redone",
  "undone",
  "bound",
]);

/**
 * Past forms that report no work done: looking, trying, failing, or an adjective in -ed. A sentence
 * led by one of them ("I looked at the logs", "Based on the trace") claims nothing.
 */
const NOT_WORK = new Set([
  "looked",
  "read",
  "checked",
  "searched",
  "found",
  "reviewed",
  "inspected",
  "investigated",
  "reproduced",
  "tried",
  "explored",
  "examined",
  "noticed",
  "saw",
  "traced",
  "analyzed",
  "analysed",
  "considered",
  "thought",
  "wondered",
  "asked",
  "started",
  "began",
  "attempted",
  "needed",
  "wanted",
  "seemed",
  "appeared",
  "happened",
  "used",
  "based",
  "related",
  "named",
  "called",
  "supposed",
  "expected",
  "unexpected",
  "detailed",
  "interested",
  "concerned",
  "hundred",
  "assumed",
  "guessed",
  "believed",
  "learned",
  "observed",
  "discovered",
  "identified",
  "determined",
  "located",
  "diagnosed",
  "measured",
  "profiled",
  "received",
  "reported",
  "failed",
  "denied",
  "refused",
  "rejected",
  "blocked",
  "stopped",
  "crashed",
  "aborted",
  "errored",
  "exited",
  "timed",
  "skipped",
  "interrupted",
  "halted",
  "broke",
  "gave",
  "hit",
  "left",
  "missed",
  "wasted",
  "planned",
  "proposed",
  "suggested",
  "preferred",
  "undefined",
  "unchanged",
  "unused",
  "unexpected",
  "unsupported",
  "unrelated",
  "unresolved",
  "unfinished",
  "untested",
  "unhandled",
  "unaffected",
  "undetermined",
  "untracked",
  "unanswered",
]);

/** Adjectives that say a piece of work is finished ("It's done", "The endpoint is live"). */
export const DONE_ADJECTIVES = new Set(["done", "complete", "completed", "finished", "ready", "live", "good", "green", "gone", "resolved", "fixed"]);

/** Whether `word` (lower case) is a regular past form: "added", "fixed", "moved", not "need" nor "red". */
function regularPast(word: string): boolean {
  return /^[a-z][a-z-]{2,}ed$/.test(word) && !word.endsWith("eed");
}

/** A past tense of a verb of work. */
export function workPast(word: string): boolean {
  return !NOT_WORK.has(word) && (regularPast(word) || IRREGULAR_PAST.has(word));
}

/** A participle of a verb of work. */
export function workParticiple(word: string): boolean {
  return !NOT_WORK.has(word) && (regularPast(word) || IRREGULAR_PARTICIPLE.has(word));
}

/** Words a headline's subject cannot hold: auxiliaries, modals, pronouns, negations, question words, prepositions. */
export const FUNCTION_WORDS = new Set([
  "is",
  "are",
  "was",
  "were",
  "be",
  "been",
  "am",
  "has",
  "have",
  "had",
  "do",
  "does",
  "did",
  "will",
  "would",
  "could",
  "should",
  "might",
  "may",
  "must",
  "can",
  "shall",
  "i",
  "we",
  "you",
  "they",
  "he",
  "she",
  "it",
  "this",
  "that",
  "there",
  "here",
  "what",
  "which",
  "who",
  "where",
  "when",
  "why",
  "how",
  "if",
  "not",
  "no",
  "never",
  "none",
  "nothing",
  "to",
  "from",
  "on",
  "in",
  "at",
  "by",
  "for",
  "with",
  "of",
  "as",
  "let",
  "me",
  "us",
  "my",
  "your",
  "our",
  "sorry",
  "please",
]);

/** Words that name a test run or its verdict's subject. */
export const TESTS_NOUN = /\b(tests?|specs?|suites?|ci|builds?|checks|pipeline|testcmd\d+|e2e|lint|linter|typecheck|coverage|pass)\b/;

/** Expands contractions so that one spelling of each form is read: "can't" -> "can not", "I've" -> "i have". */
export function expand(lower: string): string {
  return lower
    .replace(/\bcan't\b|\bcannot\b/g, "can not")
    .replace(/\bwon't\b/g, "will not")
    .replace(/n't\b/g, " not")
    .replace(/\b(it|that|what|there|here|everything|he|she|who|this|all|nothing|which)'s\b/g, "$1 is")
    .replace(/'re\b/g, " are")
    .replace(/'ve\b/g, " have")
    .replace(/'ll\b/g, " will")
    .replace(/'d\b/g, " would")
    .replace(/\bi'm\b/g, "i am");
}
