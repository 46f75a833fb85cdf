// Who owns an agent's directory: owner.json, and whether that server is still running.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkId, JournalError, unwritable } from "./errors.js";
import { ServerRefSchema, type ServerRef } from "./schema.js";
import { processAlive, writeAtomic } from "@subagent-mcp/state";

/** File names inside an agent's directory. */
export const OWNER_FILE = "owner.json";
export const JOURNAL_FILE = "journal.jsonl";
export const rotatedFile = (n: number): string => `journal.${n}.jsonl`;

/** Whether the server a ref names still runs (its pid, with its start time when recorded). */
export function serverAlive(ref: ServerRef): boolean {
  return processAlive(ref);
}

/** The owner recorded in an agent's directory, or undefined when missing or unreadable. */
export function readOwner(agentDir: string): ServerRef | undefined {
  try {
    const raw: unknown = JSON.parse(readFileSync(join(agentDir, OWNER_FILE), "utf8"));
    const parsed = ServerRefSchema.safeParse((raw as { server?: unknown } | null)?.server);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// Atomic so a reader never sees half an owner.json, even after a crash.
export function writeOwner(agentDir: string, server: ServerRef): void {
  writeAtomic(join(agentDir, OWNER_FILE), JSON.stringify({ server }) + "\n", { mode: 0o600, durable: false });
}

/** Creates `<dir>/<id>` exclusively (tries `preferred`, then random ids) and records `server` as its owner. */
export function claimDir(dir: string, server: ServerRef, preferred?: string): string {
  if (preferred !== undefined) checkId(preferred);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw unwritable(dir, err);
  }
  for (let tries = 0; ; tries++) {
    const id = tries === 0 && preferred !== undefined ? preferred : randomBytes(4).toString("hex");
    const agentDir = join(dir, id);
    try {
      // mkdir without recursive fails with EEXIST when taken: the one atomic claim the file system offers.
      mkdirSync(agentDir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST" && tries < 1000) continue;
      throw unwritable(agentDir, err);
    }
    try {
      writeOwner(agentDir, server);
    } catch (err) {
      throw unwritable(join(agentDir, OWNER_FILE), err);
    }
    return id;
  }
}

/** Makes `server` the owner of an existing agent's directory unless a live server owns it. */
export function adoptDir(dir: string, server: ServerRef, agentId: string): void {
  checkId(agentId);
  const agentDir = join(dir, agentId);
  if (!isDir(agentDir)) throw new JournalError("NOT_FOUND", `no journal for agent ${agentId} under ${dir}`);
  const owner = readOwner(agentDir);
  if (owner !== undefined && owner.id !== server.id && serverAlive(owner)) {
    throw new JournalError("OWNED_ELSEWHERE", `agent ${agentId} belongs to another running server (pid ${owner.pid}); stop that server or ask it instead`);
  }
  try {
    writeOwner(agentDir, server);
  } catch (err) {
    throw unwritable(join(agentDir, OWNER_FILE), err);
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
