// A nested server (one a sub-agent's CLI started) marks itself in `<stateDir>/servers/nested/<pid>`
// with the agents it runs under and its start time (a later process given that pid is not it), so that a tree kill of one of those agents finds it among that
// agent's processes and has it stop its own agents first (journaled, remote ones too) before the
// agent's process tree is killed.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processAlive, selfRef, type ProcessRef } from "./alive.js";
import { stateLayout } from "./layout.js";
import { ensurePrivateDir } from "./private.js";

/** The signal a nested server takes as "your tree is killed": it stops its agents (tree) and exits. */
export const STOP_TREE_SIGNAL = "SIGUSR2";

/** How long a tree kill waits for the nested servers under an agent to stop their agents and exit. */
const NESTED_STOP_MS = 1_500;

/** The folder of the nested servers' marks. */
export function nestedServersDir(stateDir: string): string {
  return join(stateLayout(stateDir).servers, "nested");
}

/** Marks this process as a nested server under `lineage` (top first); returns what removes the mark. */
export function markNested(dir: string, lineage: readonly string[]): () => void {
  const path = join(dir, String(process.pid));
  ensurePrivateDir(join(dir, ".."));
  ensurePrivateDir(dir);
  writeFileSync(path, `${JSON.stringify({ lineage, start: selfRef().start })}\n`, { mode: 0o600 });
  forgetGone(dir);
  return () => {
    rmSync(path, { force: true });
    rmSync(`${path}${BY_USER}`, { force: true });
  };
}

// The marks of nested servers that are gone (killed with their agent's tree, no time to remove them).
function forgetGone(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(/^(\d+)(?:\.user)?$/.exec(name)?.[1] ?? 0);
    if (pid > 0 && !processAlive(readMark(dir, pid)?.server ?? { pid })) rmSync(join(dir, name), { force: true });
  }
}

// Beside a nested server's mark, before its signal: the user stopped the tree (else it is a kill).
const BY_USER = ".user";

/** Whether the tree kill this nested server was just signalled for is the user's stop. */
export function stoppedByUser(dir: string): boolean {
  return existsSync(join(dir, `${String(process.pid)}${BY_USER}`));
}

/** The nested servers among `processes` that run under agent `agentId`. */
function nestedUnder(dir: string, agentId: string, processes: ReadonlySet<number>): ProcessRef[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const pid = Number(name);
    if (!Number.isInteger(pid) || !processes.has(pid)) return [];
    const mark = readMark(dir, pid);
    // A mark left by a server that is gone, its pid since given to another process, is not that process's.
    return mark !== undefined && mark.lineage.includes(agentId) && processAlive(mark.server) ? [mark.server] : [];
  });
}

/** A mark: `{lineage, start}`, or the lineage alone (marks written before the start time was kept). */
function readMark(dir: string, pid: number): { lineage: unknown[]; server: ProcessRef } | undefined {
  try {
    const mark: unknown = JSON.parse(readFileSync(join(dir, String(pid)), "utf8"));
    if (Array.isArray(mark)) return { lineage: mark, server: { pid } };
    if (typeof mark !== "object" || mark === null) return undefined;
    const { lineage, start } = mark as { lineage?: unknown; start?: unknown };
    if (!Array.isArray(lineage)) return undefined;
    return { lineage, server: typeof start === "string" ? { pid, start } : { pid } };
  } catch {
    return undefined;
  }
}

/**
 * Has every nested server under agent `agentId` (among `processes`, the descendants of its CLI) stop its
 * agents (as the user's stop when `byUser`), by {@link STOP_TREE_SIGNAL}, and resolves once they exited (or after a bound: the tree
 * kill that follows ends whatever is left).
 */
export async function stopNestedServers(dir: string, agentId: string, processes: readonly number[], byUser: boolean): Promise<void> {
  const servers = nestedUnder(dir, agentId, new Set(processes));
  for (const server of servers) {
    try {
      if (byUser) writeFileSync(join(dir, `${String(server.pid)}${BY_USER}`), "", { mode: 0o600 });
      process.kill(server.pid, STOP_TREE_SIGNAL);
    } catch {
      // gone already
    }
  }
  const deadline = Date.now() + NESTED_STOP_MS;
  // A short poll: the servers are not our children, so there is no exit event to wait on.
  while (servers.some((server) => processAlive(server)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
