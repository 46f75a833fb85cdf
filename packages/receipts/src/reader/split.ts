// A final text cut into the sentences a reader judges: prose only. Fenced and indented code, quoted
// lines and URLs are not the agent's own statements (a code comment saying "fixed" claims nothing),
// so they are dropped; inline code stays as a placeholder word so that "`cargo test` passes" keeps
// its shape, and the placeholder is put back when a sentence is quoted.

/** One sentence of prose, with whether it sits under a heading that lists plans (its items claim nothing). */
interface Sentence {
  /** The sentence with inline code as placeholders (`CODE0`, or `TESTCMD0` when the code names a test run). */
  text: string;
  planned: boolean;
  /** The inline code the placeholders stand for, by index. */
  codes: string[];
}

const FENCE = /^\s*(```|~~~)/;
const LIST_ITEM = /^\s*(?:[-*+•]|\d+[.)])\s+/;
const HEADING = /^\s*#{1,6}\s+/;
const PLAN_HEADING = /\b(plan|next steps?|steps|todo|to do|proposal|approach|options)\b/i;
const TEST_CODE = /\b(test|tests|spec|specs|vitest|jest|pytest|mocha|ctest)\b|\btest\b|:test\b/i;
const URL = /\b(?:https?|file|ftp):\/\/\S+/gi;

/** The prose sentences of `text`, in order. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  const codes: string[] = [];
  let fenced = false;
  let blankOrCode = true;
  let planned = false;
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (FENCE.test(raw)) {
      fenced = !fenced;
      blankOrCode = true;
      continue;
    }
    if (fenced) continue;
    if (raw.trim() === "") {
      blankOrCode = true;
      continue;
    }
    // An indented block after a blank line is code, unless it is a nested list item.
    if (/^( {4}|\t)/.test(raw) && blankOrCode && !LIST_ITEM.test(raw)) continue;
    blankOrCode = false;
    if (/^\s*>/.test(raw)) continue;
    const item = LIST_ITEM.test(raw);
    let line = raw.replace(LIST_ITEM, "").replace(HEADING, "");
    const heading = HEADING.test(raw) || /^\s*\*\*[^*]+\*\*:?\s*$/.test(raw) || (!item && /:\s*$/.test(raw) && raw.trim().split(/\s+/).length <= 5);
    if (heading) planned = PLAN_HEADING.test(raw);
    else if (!item) planned = false;
    line = line
      .replace(/`([^`]+)`/g, (_m, code: string) => {
        codes.push(code);
        return `${TEST_CODE.test(code) ? "TESTCMD" : "CODE"}${codes.length - 1}`;
      })
      .replace(URL, "URL")
      .replace(/\*\*|__/g, "")
      .replace(/[’‘]/g, "'");
    for (const part of line.split(/(?<=[.!?])\s+(?=\S)/)) {
      const sentence = part.trim();
      if (sentence !== "") out.push({ text: sentence, planned: planned && !heading, codes });
    }
  }
  return out;
}

/** `span` with its placeholders back as the inline code they stand for. */
export function restore(span: string, codes: string[]): string {
  return span.replace(/\b(?:CODE|TESTCMD)(\d+)\b/g, (m, i: string) => {
    const code = codes[Number(i)];
    return code === undefined ? m : `\`${code}\``;
  });
}
