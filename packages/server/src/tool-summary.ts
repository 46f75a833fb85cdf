/** Characters of a tool call's input kept in a journal line: enough to read what it did, bounded. */
const MAX_INPUT_CHARS = 500;

/** A tool call in one bounded line: its input as JSON, cut with an ellipsis past 500 characters. */
export function toolCallLine(name: string, input: unknown): string {
  // JSON.stringify(undefined) is undefined, whatever its declared type says.
  const json = (JSON.stringify(input) as string | undefined) ?? "";
  const clipped = json.length > MAX_INPUT_CHARS ? `${json.slice(0, MAX_INPUT_CHARS)}…` : json;
  return clipped === "" || clipped === "{}" ? name : `${name} ${clipped}`;
}
