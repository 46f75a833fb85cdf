import { parse } from "smol-toml";

const BEGIN = "# subagent-mcp:begin (managed by subagent-mcp; edits inside are replaced)";
const END = "# subagent-mcp:end";

// A TOML basic string: JSON's escapes are a subset of TOML's.
function str(value: string): string {
  return JSON.stringify(value);
}

/** Our `[mcp_servers.<name>]` table for Codex's config.toml, between comment markers. */
export function codexServerBlock(name: string, entry: { command: string; args: string[]; toolTimeoutSec: number; startupTimeoutSec: number }, eol = "\n"): string {
  return [
    BEGIN,
    `[mcp_servers.${str(name)}]`,
    `command = ${str(entry.command)}`,
    `args = [${entry.args.map(str).join(", ")}]`,
    `startup_timeout_sec = ${entry.startupTimeoutSec}`,
    `tool_timeout_sec = ${entry.toolTimeoutSec}`,
    END,
  ].map((l) => l + eol).join("");
}

/** The managed TOML block's span, if present. */
function blockSpan(text: string): { start: number; end: number } | undefined {
  const start = text.indexOf(BEGIN);
  if (start < 0) return undefined;
  const endAt = text.indexOf(END, start);
  if (endAt < 0) return undefined;
  let end = endAt + END.length;
  if (text.startsWith("\r\n", end)) end += 2;
  else if (text.startsWith("\n", end)) end += 1;
  return { start, end };
}

/**
 * Puts our block at the end of a TOML file (or replaces it in place), leaving every other byte as
 * it was. Refuses, rather than corrupt the file, when the user already has a table of that name.
 */
export function upsertTomlBlock(text: string, name: string, block: string): string {
  const span = blockSpan(text);
  const outside = span === undefined ? text : text.slice(0, span.start) + text.slice(span.end);
  const parsed = parse(outside) as { mcp_servers?: Record<string, unknown> };
  if (parsed.mcp_servers?.[name] !== undefined) {
    throw new Error(`config.toml already defines [mcp_servers.${name}] outside our managed block; remove it or rename ours`);
  }
  if (span !== undefined) return text.slice(0, span.start) + block + text.slice(span.end);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const out = text + (text === "" || text.endsWith("\n") ? "" : eol) + block;
  parse(out); // a result that is not valid TOML must never be written
  return out;
}

/**
 * Removes our block, leaving the rest as it is. (A line ending added before the block to a file
 * that had none at its end stays: byte-exact undo comes from the setup record, see FileChange.)
 */
export function removeTomlBlock(text: string): string {
  const span = blockSpan(text);
  return span === undefined ? text : text.slice(0, span.start) + text.slice(span.end);
}
