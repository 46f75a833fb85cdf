import { admissionsOf, claimsTests, claimsWork, type Admits } from "./clause.js";
import { restore, sentencesOf } from "./split.js";
import { expand, TESTS_NOUN } from "./words.js";

// A final text read for what it says of the work: the first clause that claims it done, the first
// that claims tests pass, the first that admits a failure, and what the admissions own up to.
// Questions, plans, conditionals and hypotheticals assert nothing, so none of their clauses count.

/** What a final text says of its turn's work; each span is the text that shows it. */
export interface FinalTextReading {
  claim?: string;
  testsClaim?: string;
  admission?: string;
  /** What the admissions own up to (empty when nothing is admitted). */
  admits: Admits[];
}

const PLAN =
  /^(i will|we will|i am going to|we are going to|going to|let me|let us|let's|i need to|we need to|i plan|i want to|i would like to|next\b|first\b|then i\b|my approach|to fix this|i am about to|working on|checking|looking into|plan\b|next steps|here is (my|the) plan)/;
const CONDITIONAL = /^(if|once|when|whenever|after|unless|until|before|as soon as|in case|assuming)\b/;
const INTERJECTION = /^(?:(?:ok|okay|sure|yes|yep|alright|all right|great|perfect|so|note|heads-up|summary)\b[\s,!:.—–-]*)+/;
// Where a sentence divides into clauses; "strong" ones may be followed by a bare "Added X".
const SEPARATOR =
  /(\s*(?:;|:|—|–|\s-\s|→|\bbut\b|\bhowever\b|\bthough\b|\balthough\b|\bexcept\b|\bwhereas\b)\s*)|(\s*(?:,|\band\b|\bso\b|\bbecause\b|\bsince\b|\bwhile\b|\bwhich\b)\s*)/;
const FAILED_COUNT = /\b[1-9]\d* (?:failed|failing|failures?)\b(?! (?:tests?|specs?|cases?))/;
const RATIO = /\b(\d+)\/(\d+)\b/;

/**
 * Reads a final text. `extraClaims` (the user's `receipts.claims` patterns) count as claims too,
 * in any sentence that asserts something.
 */
export function readFinalText(text: string, extraClaims: readonly RegExp[] = []): FinalTextReading {
  const reading: FinalTextReading = { admits: [] };
  const admits = new Set<Admits>();
  for (const sentence of sentencesOf(text)) {
    if (sentence.planned || sentence.text.endsWith("?")) continue;
    const original = sentence.text.replace(/^[\s"'(]+|[\s.!"')]+$/g, "");
    const stripped = original.replace(new RegExp(INTERJECTION.source, "i"), "");
    const lower = expand(stripped.toLowerCase());
    if (PLAN.test(lower) || CONDITIONAL.test(lower)) continue;
    const span = (s: string): string => restore(s.trim(), sentence.codes);
    for (const re of extraClaims) {
      const m = re.exec(stripped);
      if (m !== null && reading.claim === undefined) reading.claim = span(m[0]);
    }
    const namesTests = TESTS_NOUN.test(lower);
    const count = countOf(lower);
    if (count === "failed") {
      admits.add("failed").add("tests");
      reading.admission ??= span(stripped);
    }
    let admitted = count === "failed";
    let previousClaim = false;
    let strong = true;
    let firstPerson = false;
    for (const [lowerClause, originalClause, separator] of clauses(lower, stripped)) {
      if (separator !== undefined) strong = separator;
      const found = admissionsOf(lowerClause);
      if (found.length > 0) {
        for (const a of found) admits.add(a);
        reading.admission ??= span(originalClause);
        admitted = true;
        previousClaim = false;
        continue;
      }
      // After an admission, what follows in the sentence explains it ("I couldn't: it's protected").
      if (admitted) continue;
      const tests = (count === "passed" && lowerClause !== "") || claimsTests(lowerClause, namesTests);
      const claim: boolean = tests || claimsWork(lowerClause, strong || previousClaim || firstPerson);
      if (tests) reading.testsClaim ??= span(originalClause);
      if (claim) reading.claim ??= span(originalClause);
      previousClaim = claim;
      firstPerson ||= /^(i|we)\b/.test(lowerClause);
      strong = false;
    }
  }
  reading.admits = [...admits];
  return reading;
}

// "12/12", "42 passed, 0 failed": passed; "12 passed, 2 failed", "3/5": failed.
function countOf(lower: string): "passed" | "failed" | undefined {
  if (FAILED_COUNT.test(lower)) return "failed";
  const ratio = RATIO.exec(lower);
  if (ratio !== null && TESTS_NOUN.test(lower) && Number(ratio[1]) < Number(ratio[2])) return "failed";
  if ((ratio !== null && ratio[1] === ratio[2]) || /\b\d+ (passed|passing)\b/.test(lower)) return "passed";
  return undefined;
}

// The clauses of a sentence, each as read (lower case, expanded) and as written, with whether the
// separator before it was a strong one (undefined for the first).
function clauses(lower: string, original: string): [string, string, boolean | undefined][] {
  const split = (s: string): { parts: string[]; strong: boolean[] } => {
    const parts: string[] = [];
    const strong: boolean[] = [];
    const re = new RegExp(SEPARATOR.source, "gi");
    let last = 0;
    for (const m of s.matchAll(re)) {
      parts.push(s.slice(last, m.index));
      strong.push(m[1] !== undefined);
      last = m.index + m[0].length;
    }
    parts.push(s.slice(last));
    return { parts, strong };
  };
  const a = split(lower);
  const b = split(original);
  const sameShape = a.parts.length === b.parts.length;
  return a.parts
    .map((p, i): [string, string, boolean | undefined] => [p.trim(), sameShape ? (b.parts[i] ?? p) : original, i === 0 ? undefined : a.strong[i - 1]])
    .filter(([p]) => p !== "");
}
