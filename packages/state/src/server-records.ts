// The registry of running MCP servers (`<stateDir>/servers/<pid>.json`): every top-level server of
// ours says where its control endpoint listens, so that the dashboard and `stop` find all of them
// (one per host session) without asking anything else. A subpath of its own (`/server-records`):
// what imports the state folder's layout does not load the record's schema.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ServerRecordSchema, type ServerRecord } from "@subagent-mcp/contract";
import { processAlive } from "./alive.js";
import { stateLayout } from "./layout.js";
import { ensurePrivateDir } from "./private.js";
import { writeAtomic } from "./safe-write.js";

const FILE = /^(\d+)\.json$/;

/** The folder of the server records under our state dir. */
export function serversDir(stateDir: string): string {
  return stateLayout(stateDir).servers;
}

/** Writes this server's record (atomically, 0600, in a folder only its owner may enter); returns its path. */
export function writeServerRecord(stateDir: string, record: ServerRecord): string {
  const dir = serversDir(stateDir);
  ensurePrivateDir(stateDir);
  ensurePrivateDir(dir);
  const path = join(dir, `${record.pid}.json`);
  // Written once per server: no disk flush (the record means nothing once its server is gone).
  writeAtomic(path, `${JSON.stringify(ServerRecordSchema.parse(record))}\n`, { mode: 0o600, durable: false });
  return path;
}

/** Removes the record of server `pid` (default: this process), if there is one. */
export function removeServerRecord(stateDir: string, pid: number = process.pid): void {
  rmSync(join(serversDir(stateDir), `${pid}.json`), { force: true });
}

/**
 * Deletes the files of servers that are gone (a crash leaves its file behind) and returns the
 * records of the servers still running, oldest first; files that are not records are left alone.
 */
export function pruneServerRecords(stateDir: string): ServerRecord[] {
  const dir = serversDir(stateDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const records: ServerRecord[] = [];
  for (const name of names) {
    const pid = Number(FILE.exec(name)?.[1] ?? 0);
    if (pid <= 0) continue;
    const record = parse(join(dir, name));
    // With its start time when the record has one: a reused pid does not keep it.
    if (!processAlive(record?.pid === pid ? record : { pid })) {
      forget(join(dir, name));
      continue;
    }
    if (record?.pid === pid) records.push(record);
  }
  return records.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.pid - b.pid);
}

// A file we cannot delete is only skipped: the next reader tries again.
function forget(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // skipped
  }
}

function parse(path: string): ServerRecord | undefined {
  try {
    const parsed = ServerRecordSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The registered servers whose process is alive, oldest start first, read leniently (a file being written, of another version or of a gone process is left out; nothing is deleted). */
export function readServerRecords(stateDir: string): ServerRecord[] {
  const dir = serversDir(stateDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => FILE.test(n));
  } catch {
    return [];
  }
  const out: ServerRecord[] = [];
  for (const name of names) {
    const record = parse(join(dir, name));
    if (record !== undefined && `${record.pid}.json` === name && processAlive(record)) out.push(record);
  }
  return out.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.pid - b.pid);
}
