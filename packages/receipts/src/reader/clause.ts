import { DONE_ADJECTIVES, FUNCTION_WORDS, TESTS_NOUN, workParticiple, workPast } from "./words.js";

// One clause of a sentence, judged on its own: does it report work done or tests passing, does it
// admit a failure. The forms are grammatical (a past tense with or without its subject, a perfect,
// a passive, "now" with a present tense, a count of passed tests), not a list of whole phrases.

/** What an admission owns up to: the facts of a turn that it answers for. */
export type Admits = "denied" | "unable" | "tests" | "failed" | "unchanged" | "stopped" | "incomplete";

const ADMISSIONS: [Admits, RegExp][] = [
  ["denied", /\b(denied|refused|rejected|blocked|forbidden|disallowed|not (permitted|allowed)|(not|no) (have )?permission)\b/],
  ["unable", /\b(could not|can not|unable|not able|failed to|gave up|give up)\b/],
  ["failed", /\b(fail|fails|failed|failing|failure|failures|broken|broke)\b|❌/],
  [
    "failed",
    /^error\b|^(\w+ )?error$|\berror:|\b(an?|with|with an?|[1-9]\d*) (\w+ )?errors?\b|\berrored\b|\bexit(ed|s)? (with )?(code|status) [1-9]|\bnon-zero exit\b/,
  ],
  ["incomplete", /\bstill\b(?! (works?|pass|passes|passing|green))/],
  [
    "unchanged",
    /\b(no (changes?|files?|edits?|modifications?)|nothing (changed|to change|was|were|needed|has been|to do|else)|made no|unchanged|already|not (change|touch|modify|edit|make))\b/,
  ],
  [
    "stopped",
    /\b(stopped|ran out|out of (turns|budget|tokens|time)|budget|max(imum)? turns?|turn limit|limit (was )?reached|timed out|aborted|interrupted|halted)\b/,
  ],
  [
    "incomplete",
    /\b(not yet|incomplete|partially|partly|half[- ]done|halfway|unfinished|sorry|unfortunately|nope|did not|have not|has not|was not|were not|had not|not done|not finished|not working|does not work|not passing|left to do|what is left|remaining|todo)\b/,
  ],
  ["incomplete", /\bnot (\w+ )?(\w+ed|done|run|written|built|made)\b|^(none|neither)\b|\bnone of (them|these|those|it)\b/],
  ["incomplete", /\btried\b.*\bbut\b/],
];
// "the failing test", "2 failing tests": a failure named as the object of a fix, not admitted.
const FAILURE_AS_OBJECT = /\b(\d+ )?(failing|failed|broken|flaky) (tests?|specs?|cases?|checks?|builds?|jobs?|steps?|assertions?)\b/g;
const MODAL = /\b(will|would|could|should|might|may|must|can|shall)\b(?! not)|\b(going|about|need|needs|plan|plans|want|wants|have|has|try) to\b/;
const NEGATION = /\b(not|never|no|none|nothing|neither|nor|without)\b|^only\b/;
const MARK = /[✅✔✓🎉🚀]|\blgtm\b/u;
const DONE_START =
  /^(done|complete|completed|finished|resolved|shipped|sorted|success|ready|fixed|all set|all done|all good|all green|good to go|taken care of|green across)\b/;
const PASS = /\b(pass|passes|passed|passing)\b(?!\s+(the|a|an|it|them|this|that|its|their|through|to|along|over|by|in the|on the)\b)/;
const PASS_WITH_NOUN = /\b(green|ok|okay|clean|cleanly|succeeds|succeeded|successful|✓|✅|✔)\b|[✓✅✔]/;
const HISTORY = /\bin (v?\d|version|the past)|\bago\b|\bback in\b|\boriginally\b|\bby default\b/;
const AFTER_PASSIVE = /^(now|and|again|too|correctly|properly|successfully|up|out|together|everywhere|as well|for you)\b/;

/** The admissions of a clause (lower case, contractions expanded). */
export function admissionsOf(clause: string): Admits[] {
  const text = clause.replace(FAILURE_AS_OBJECT, "tests").replace(/\b0 (failed|failures?|errors?)\b/g, "");
  const found = new Set<Admits>();
  for (const [topic, re] of ADMISSIONS) if (re.test(text)) found.add(topic);
  if (found.has("failed") && TESTS_NOUN.test(text)) found.add("tests");
  return [...found];
}

/** Whether a clause reports work done; `leads`: it may start with a bare past tense ("Added X"), i.e. it opens its sentence or follows a claim. */
export function claimsWork(clause: string, leads: boolean): boolean {
  if (MODAL.test(clause)) return false;
  if (/\bno longer\b/.test(clause)) return true;
  if (NEGATION.test(clause)) return false;
  if (MARK.test(clause) || DONE_START.test(clause)) return true;
  const words = clause.split(/\s+/).filter((w) => w !== "");
  const lead = words.find((w) => !/^(successfully|also|then|finally|just)$/.test(w)) ?? "";
  const subject = /^(i|we)\s+((have|had|also|just|now|then|finally|successfully|quickly|went ahead and)\s+)*/.exec(clause);
  if (subject !== null) {
    const next = clause.slice(subject[0].length).split(/\s+/)[0] ?? "";
    if (workPast(next) || (/\b(have|had)\s/.test(subject[0]) && workParticiple(next))) return true;
  } else if (leads && workPast(lead)) return true;
  if (passive(clause)) return true;
  for (let k = 1; k <= 3 && k < words.length; k++) {
    const w = words[k] ?? "";
    const before = words[k - 1] ?? "";
    if (FUNCTION_WORDS.has(before) || before.endsWith("ing") || workPast(before)) break;
    if (workPast(w) || w === "complete" || w === "done" || w === "finished") return true;
  }
  return /\bnow (only |also |just )?[a-z]+s\b|\b[a-z]+s now$|\bworks?\b.*\bnow\b/.test(clause);
}

// "has been removed", "was rewritten", "is fixed", "are now wired up", "is in place", "is ready".
function passive(clause: string): boolean {
  const m = /\b(is|are|was|were|be|been|has|have|had|am)\s+((?:now|all|also|already|successfully|finally|just)\s+)*([a-z-]+)\s*(.*)$/.exec(clause);
  if (m === null) return false;
  const [, aux = "", adverbs = "", word = "", rest = ""] = m;
  if (word === "been")
    return (
      /^((now|all|also|successfully)\s+)*[a-z-]+/.test(rest) && workParticiple(rest.replace(/^((now|all|also|successfully)\s+)*/, "").split(/\s+/)[0] ?? "")
    );
  if (aux === "has" || aux === "have" || aux === "had") return workParticiple(word) && !HISTORY.test(rest);
  if (aux === "was" || aux === "were") return workParticiple(word) && !HISTORY.test(rest);
  if (DONE_ADJECTIVES.has(word) && (word !== "good" || rest === "" || rest.startsWith("to go"))) return true;
  if (word === "in" && rest.startsWith("place")) return true;
  return workParticiple(word) && (adverbs.includes("now") || rest === "" || AFTER_PASSIVE.test(rest));
}

/** Whether a clause says tests pass; `sentenceNamesTests`: its sentence names tests, a suite, CI or a build. */
export function claimsTests(clause: string, sentenceNamesTests: boolean): boolean {
  if (MODAL.test(clause) || NEGATION.test(clause.replace(/\b0 (failed|failures?|errors?)\b/g, ""))) return false;
  if (/\bgreen\b|✓ ?\d+ tests?/.test(clause) || PASS.test(clause)) return true;
  if (/\b0 (failed|failures?)\b/.test(clause)) return true;
  return sentenceNamesTests && PASS_WITH_NOUN.test(clause);
}
