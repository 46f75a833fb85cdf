import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { processAlive } from "@subagent-mcp/state";

// Each server keeps its agents' private git indexes and objects under `<receipts>/<pid>`. A server
// that ends cleanly removes its folder; one that was killed cannot, so the next server to start
// removes the folders of servers that are gone.

/** This server's folder under `root` (the state layout's `receipts`); folders of dead servers are removed meanwhile. */
export function serverFolder(root: string, pid = process.pid): string {
  void pruneDead(root, pid);
  return join(root, String(pid));
}

async function pruneDead(root: string, own: number): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => /^\d+$/.test(name) && Number(name) !== own && !processAlive({ pid: Number(name) }))
      .map((name) => rm(join(root, name), { recursive: true, force: true }).catch(() => undefined)),
  );
}
