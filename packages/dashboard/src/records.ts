// The registry of running MCP servers (`<stateDir>/servers/<pid>.json`), read leniently: a file
// being written, one of another version or one whose process is gone is left out.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { isAlive, stateLayout } from "@subagent-mcp/state";

/** One running top-level MCP server as its registry file describes it. */
export const ServerRecordSchema = z.object({
  pid: z.number().int().positive(),
  cwd: z.string(),
  session: z.string().optional(),
  started_at: z.string(),
  version: z.string(),
  /** `http://127.0.0.1:PORT/control/<token>`: `/mcp` and `/events` below it; loopback only. */
  control: z.string().regex(/^http:\/\/127\.0\.0\.1:\d{1,5}\/control\/[0-9a-f]{32}$/),
});
export type ServerRecord = z.infer<typeof ServerRecordSchema>;

/** Where the registry files live. */
export function serversDir(stateDir: string): string {
  return stateLayout(stateDir).servers;
}

/** The registered servers whose process is alive, oldest start first. */
export function readServerRecords(stateDir: string): ServerRecord[] {
  const dir = serversDir(stateDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const out: ServerRecord[] = [];
  for (const name of names) {
    try {
      const parsed = ServerRecordSchema.safeParse(JSON.parse(readFileSync(join(dir, name), "utf8")));
      if (parsed.success && `${parsed.data.pid}.json` === name && isAlive(parsed.data.pid)) out.push(parsed.data);
    } catch {
      // Being replaced, or removed while we listed.
    }
  }
  return out.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.pid - b.pid);
}
