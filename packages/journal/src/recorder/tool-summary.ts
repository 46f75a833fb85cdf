/** Characters of a tool call's input kept in a journal line: enough to read what it did, bounded. */
const MAX_INPUT_CHARS = 500;

/** A tool call in one bounded line: its input as JSON, cut with an ellipsis past 500 characters. */
export function toolCallLine(name: string, input: unknown): string {
  // JSON.stringify(undefined) is undefined, whatever its declared type says.
  // JSON escapes line feeds but not the Unicode line and paragraph separators: escaped too, so it stays one line.
  const json = ((JSON.stringify(input) as string | undefined) ?? "").replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const clipped = json.length > MAX_INPUT_CHARS ? `${json.slice(0, MAX_INPUT_CHARS)}…` : json;
  return clipped === "" || clipped === "{}" ? name : `${name} ${clipped}`;
}
