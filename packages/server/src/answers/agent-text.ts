// An agent's own words (its result, a command it asked to run, an error its CLI gave) inside a text
// answer of ours. Every line of ours starts with our own words (an agent's id, "Still running",
// "Waiting for", "Agent", "Last result"); an agent's text that broke a line could start one that
// looks like ours: another agent's "finished" line, a permission request. Each line break of its
// text (and whatever a reader may take for one) is followed by "> ", a quote marker no line of ours
// starts with, so whatever it writes stays inside its own entry. structuredContent keeps it as it is.

/** What a reader may take for a line break: CRLF, LF, CR, vertical tab, form feed, NEL, the Unicode line and paragraph separators. */
const BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
/** Other control characters (an escape sequence could move a terminal's cursor to a line start), shown as U+FFFD. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;

/** An agent's text after words of ours on the same line: each further line of it starts with "> ". */
export function quoted(text: string): string {
  return text.replace(CONTROL, "\uFFFD").replace(BREAK, "\n> ");
}

/** An agent's text as lines of their own, every one starting with "> ". */
export function quotedBlock(text: string): string {
  return `> ${quoted(text)}`;
}
