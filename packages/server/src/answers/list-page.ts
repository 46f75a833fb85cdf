import { z } from "zod";
import { ServerError } from "../errors.js";
import { jsonChars } from "@subagent-mcp/mcp-transport";

// list_agents' pages: live agents first (oldest launch first), then past ones (newest end first),
// each row placed by a key of its own, so that a cursor (the last row's key) stays good while
// agents are launched or end between two calls: it names where the page stopped, not a count.

/** Rows per page unless asked: about 20 000 characters of result, half the default cap. */
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

/** Where a row stands in the listing: a live agent by its launch, a past one by its last entry. */
type RowKey = { live: true; created: number; id: string } | { live: false; at: number; id: string };

const CursorSchema = z.union([z.tuple([z.literal("l"), z.number(), z.string()]), z.tuple([z.literal("p"), z.number(), z.string()])]);

/** The opaque cursor of the row a page ended with. */
export function encodeCursor(key: RowKey): string {
  const raw = key.live ? ["l", key.created, key.id] : ["p", key.at, key.id];
  return Buffer.from(JSON.stringify(raw)).toString("base64url");
}

/** The key a cursor names. Throws INVALID_CURSOR for anything list_agents did not give. */
export function decodeCursor(cursor: string): RowKey {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    raw = undefined;
  }
  const parsed = CursorSchema.safeParse(raw);
  if (!parsed.success)
    throw new ServerError("INVALID_CURSOR", `cursor "${cursor.slice(0, 80)}" is not one list_agents gave (next_cursor); list again without cursor`);
  const [kind, n, id] = parsed.data;
  return kind === "l" ? { live: true, created: n, id } : { live: false, at: n, id };
}

/** The listing's order: live before past; live oldest first; past newest first; ties by id. */
export function compareKeys(a: RowKey, b: RowKey): number {
  if (a.live && b.live) return a.created - b.created || a.id.localeCompare(b.id);
  if (!a.live && !b.live) return b.at - a.at || b.id.localeCompare(a.id);
  return a.live ? -1 : 1;
}

/** How a page reads its items (live agents' views, past agents): the key, the row, its line. */
export interface Listed<E, T> {
  key(item: E): RowKey;
  row(item: E): T;
  line(row: T): string;
}

/** One page: the first of `items` (in key order), at most `limit` and within `room` characters (at least one row). */
export function pageOf<E, T>(items: readonly E[], how: Listed<E, T>, limit: number, room: number): { rows: T[]; lines: string[]; next?: RowKey } {
  const out: T[] = [];
  const lines: string[] = [];
  let used = 0;
  for (const item of items) {
    if (out.length === limit) break;
    const row = how.row(item);
    const line = how.line(row);
    // A row is in the result twice: structured, and as its line of text.
    const size = jsonChars(row) + jsonChars(line) + 4;
    if (out.length > 0 && used + size > room) break;
    used += size;
    out.push(row);
    lines.push(line);
  }
  const last = items[out.length - 1];
  return out.length < items.length && last !== undefined ? { rows: out, lines, next: how.key(last) } : { rows: out, lines };
}
