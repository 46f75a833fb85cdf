// The registry of running MCP servers (`<stateDir>/servers/<pid>.json`), read leniently: a file
// being written, one of another version or one whose process is gone is left out.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ServerRecordSchema, type ServerRecord } from "@subagent-mcp/contract";
import { isAlive, stateLayout } from "@subagent-mcp/state";

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
