// Text a sub-agent controls (a command it wants to run, a label) reaches the orchestrator's hook
// output: folded into one bounded line there, so it can never start a line of its own.

/** The longest a single item (a summary, a label, an id) is shown in a hook's text. */
export const MAX_ITEM_CHARS = 300;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
// overrides and isolates (which can make a line read differently from what it holds).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` as one line: control and line-breaking characters written as visible escapes (`\n`,
 * `\u2028`), cut to `max` characters with "…" after it.
 */
export function oneLine(text: string, max: number = MAX_ITEM_CHARS): string {
  const folded = text.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (folded.length <= max) return folded;
  // Never cut a surrogate pair in half.
  let end = max;
  const code = folded.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${folded.slice(0, end)}… (${folded.length} characters)`;
}
