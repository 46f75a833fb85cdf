import { parse, TomlError } from "smol-toml";
import { HostsError } from "./errors.js";

/** The comment lines around one managed block; each kind of block has its own pair. */
export interface TomlMarkers {
  begin: string;
  end: string;
}

/** Parses TOML text; a file that does not parse is never edited. */
export function parseToml(text: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const why = error.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "invalid";
    throw new HostsError("UNPARSEABLE", `not valid TOML (${why}); fix it first, nothing was changed`, { line: error.line, column: error.column });
  }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  return typeof value === "object" && value !== null ? "a table" : `a ${typeof value}`;
}

/**
 * Refuses a user's key that holds another type than the one our block adds to (`mcp_servers =
 * "x"`, a `[hooks.PreToolUse]` table where Codex wants an array of tables): our block would make
 * the file invalid, or change what their key means.
 */
export function assertTomlKind(value: unknown, key: string, wanted: "a table" | "an array"): void {
  if (value === undefined || kindOf(value) === wanted) return;
  throw new HostsError("WRONG_TYPE", `${key} is ${kindOf(value)}, not ${wanted}; fix it first, nothing was changed`);
}

// A TOML basic string: JSON's escapes are a subset of TOML's.
export function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** Lines between a pair of markers, each ended by `eol`. */
export function tomlBlock(lines: string[], markers: TomlMarkers, eol = "\n"): string {
  return [markers.begin, ...lines, markers.end].map((l) => l + eol).join("");
}

/** A managed block's span, if present (the end includes the end marker's line ending). */
export function tomlBlockSpan(text: string, markers: TomlMarkers): { start: number; end: number } | undefined {
  const start = text.indexOf(markers.begin);
  if (start < 0) return undefined;
  const endAt = text.indexOf(markers.end, start);
  if (endAt < 0) return undefined;
  let end = endAt + markers.end.length;
  if (text.startsWith("\r\n", end)) end += 2;
  else if (text.startsWith("\n", end)) end += 1;
  return { start, end };
}

/**
 * Puts a managed block at the end of a TOML file (or replaces it in place), leaving every other
 * byte as it was. A file without a final line ending gets one before the block, and the block then
 * ends without one: that shape tells {@link removeTomlBlock} to take the added line ending out too.
 */
export function placeTomlBlock(text: string, block: string, markers: TomlMarkers): string {
  const span = tomlBlockSpan(text, markers);
  let out: string;
  if (span !== undefined) {
    const open = span.end === text.length && !text.endsWith("\n");
    out = text.slice(0, span.start) + (open ? block.replace(/\r?\n$/, "") : block) + text.slice(span.end);
  } else if (text === "" || text.endsWith("\n")) out = text + block;
  else out = text + (text.includes("\r\n") ? "\r\n" : "\n") + block.replace(/\r?\n$/, "");
  try {
    parse(out); // a result that is not valid TOML must never be written
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    throw new HostsError("CONFLICT", `our block would not fit this file's TOML (${error.message.split("\n")[0] ?? ""}); nothing was changed`);
  }
  return out;
}

/** Removes a managed block, leaving the rest exactly as it was before the block was placed. */
export function removeTomlBlock(text: string, markers: TomlMarkers): string {
  const span = tomlBlockSpan(text, markers);
  if (span === undefined) return text;
  let start = span.start;
  // An open block at the end of the file came with the line ending put before it.
  if (span.end === text.length && !text.endsWith("\n")) {
    if (text.slice(0, start).endsWith("\r\n")) start -= 2;
    else if (text.slice(0, start).endsWith("\n")) start -= 1;
  }
  return text.slice(0, start) + text.slice(span.end);
}
