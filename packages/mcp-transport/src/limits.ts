import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { McpTransportError } from "./errors.js";
import { jsonLength } from "./json-size.js";

/**
 * Largest JSON-RPC line read from stdin: 4 MiB. A 1M-token context holds about 4 MB of text, so no
 * prompt a model could use is larger; what is larger is refused before it is buffered.
 */
const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Largest tool result, in characters of its JSON: 40 000. Claude Code saves a result of more than
 * 50 000 characters to a file and refuses one over 25 000 tokens (MAX_MCP_OUTPUT_TOKENS); 40 000
 * characters stay under both even for dense text, and leave Codex and Gemini CLI context to work in.
 */
export const DEFAULT_MAX_RESULT_CHARS = 40_000;

/** The size limits of one server; each has an environment variable. */
interface Limits {
  /** SUBAGENT_MCP_MAX_REQUEST_BYTES: the longest request line read from stdin. */
  maxRequestBytes: number;
  /** SUBAGENT_MCP_MAX_RESULT_CHARS: the longest tool result, in characters of its JSON. */
  maxResultChars: number;
}

const EnvSize = (min: number) => z.coerce.number().int().min(min).optional();

/** The limits from SUBAGENT_MCP_MAX_REQUEST_BYTES and SUBAGENT_MCP_MAX_RESULT_CHARS, or the defaults. */
export function limitsFrom(env: Record<string, string | undefined>): Limits {
  const read = (name: string, min: number, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const parsed = EnvSize(min).safeParse(raw);
    if (!parsed.success || parsed.data === undefined) throw new McpTransportError("CONFIG_INVALID", `${name} must be an integer >= ${min}, got "${raw}"`);
    return parsed.data;
  };
  // Below these floors not even a status line fits.
  return {
    maxRequestBytes: read("SUBAGENT_MCP_MAX_REQUEST_BYTES", 65_536, DEFAULT_MAX_REQUEST_BYTES),
    maxResultChars: read("SUBAGENT_MCP_MAX_RESULT_CHARS", 8_000, DEFAULT_MAX_RESULT_CHARS),
  };
}

/** Characters `value` takes on the wire, escapes included (counted, not written: see json-size.ts). */
export function jsonChars(value: unknown): number {
  return jsonLength(value);
}

/**
 * The longest piece of `text` from `offset` whose JSON takes at most `budget` characters. Never
 * ends between the two halves of a surrogate pair, so each piece is valid text on its own.
 */
export function sliceToFit(text: string, offset: number, budget: number): string {
  let end = Math.min(text.length, offset + Math.max(0, budget - 2));
  for (;;) {
    if (end > offset && end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    const piece = text.slice(offset, end);
    const size = jsonChars(piece);
    if (size <= budget || piece.length === 0) return piece;
    // Escapes made it longer: shrink in proportion, at least by one.
    end = offset + Math.min(piece.length - 1, Math.floor((piece.length * (budget - 2)) / (size - 2)));
  }
}

/** The first `n` characters of `text`, one fewer if the n-th opens a surrogate pair. */
function cutAt(text: string, n: number): string {
  return text.slice(0, n > 0 && isHighSurrogate(text.charCodeAt(n - 1)) ? n - 1 : n);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The last line of defence for the cap: a tool result whose JSON is over `maxChars` gets its
 * longest strings cut (each keeps its type, so the output schema still holds) with a marker saying
 * so. The tools page their own large fields well below the cap; this only catches what they missed.
 */
export function capToolResult(result: CallToolResult, maxChars: number): CallToolResult {
  const size = jsonChars(result);
  if (size <= maxChars) return result;
  const strings: string[] = [];
  collect(result, strings);
  const lengths = strings.map((s) => s.length);
  const marker = (cut: number): string => `…[${cut} characters cut: the result was over the ${maxChars}-character cap (SUBAGENT_MCP_MAX_RESULT_CHARS)]`;
  // Escapes and markers are not known in advance: aim, measure, aim lower by what is still over.
  let target = lengths.reduce((n, l) => n + l, 0) - (size - maxChars);
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const keep = waterLevel(lengths, target);
    if (keep <= 0) break;
    const capped = rewrite(result, (s) => (s.length > keep ? cutAt(s, keep) + marker(s.length - keep) : s)) as CallToolResult;
    const over = jsonChars(capped) - maxChars;
    if (over <= 0) return capped;
    target -= over + 64;
  }
  // Nothing left to cut but structure (thousands of tiny items): say so instead.
  return {
    isError: true,
    content: [{ type: "text", text: `The result (${size} characters) is over the ${maxChars}-character cap (SUBAGENT_MCP_MAX_RESULT_CHARS); ask for less.` }],
  };
}

/** The largest length L such that the strings cut to L add up to at most `total`. */
export function waterLevel(lengths: number[], total: number): number {
  if (total <= 0) return 0;
  const sorted = [...lengths].sort((a, b) => a - b);
  let left = total;
  for (const [i, length] of sorted.entries()) {
    const share = Math.floor(left / (sorted.length - i));
    if (length > share) return share;
    left -= length;
  }
  return sorted.at(-1) ?? 0;
}

function collect(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) collect(v, into);
}

function rewrite(value: unknown, cut: (s: string) => string): unknown {
  if (typeof value === "string") return cut(value);
  if (Array.isArray(value)) return value.map((v) => rewrite(v, cut));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, cut)]));
  return value;
}
