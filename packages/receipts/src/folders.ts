import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { processAlive, selfRef, type ProcessRef } from "@subagent-mcp/state";

// Each server keeps its agents' private git indexes and objects under `<receipts>/<pid>@<start>` (its
// start time: a later process given the same pid is not it). A server that ends cleanly removes its
// folder; one that was killed cannot, so the next server to start removes the folders of servers that
// are gone. Folders named by the pid alone (written before the start time was kept) are judged by it.

/** This server's folder under `root` (the state layout's `receipts`); folders of dead servers are removed meanwhile. */
export function serverFolder(root: string, own: ProcessRef = selfRef()): string {
  const name = own.start === undefined ? String(own.pid) : `${String(own.pid)}@${own.start}`;
  void pruneDead(root, name);
  return join(root, name);
}

async function pruneDead(root: string, own: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    names.filter((name) => name !== own && gone(name)).map((name) => rm(join(root, name), { recursive: true, force: true }).catch(() => undefined)),
  );
}

function gone(name: string): boolean {
  const match = /^(\d+)(?:@(\d+))?$/.exec(name);
  if (match === null) return false;
  const [, pid, start] = match;
  return !processAlive(start === undefined ? { pid: Number(pid) } : { pid: Number(pid), start });
}
