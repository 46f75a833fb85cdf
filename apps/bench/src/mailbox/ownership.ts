// The `ownership` section: what single-instance ownership costs (a worker's one-per-mailbox lock) and
// how soon a successor holds it after its holder's SIGKILL while the dead holder stays a zombie (its
// parent never reaps it, as under a container's pid 1 without an init), and one liveness check.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { holdOwnership, processAlive, readStat, selfRef } from "@subagent-mcp/state";
import { printTable, summarize, type Summary } from "../stats.js";
import type { BenchContext } from "../context.js";

/** One address kind's timings, ms. */
export interface OwnershipRow {
  address: "abstract" | "file";
  /** Taking a free ownership (its folder's key read, the socket bound, the record written). */
  acquire: Summary;
  /** Being refused while a live process holds it (the holder named). */
  refused: Summary;
  release: Summary;
  /** From the holder's SIGKILL until a successor holds it, the dead holder a zombie meanwhile. */
  takeover: Summary;
}

async function timed<T>(f: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const value = await f();
  return [Number(process.hrtime.bigint() - t0) / 1e6, value];
}

// A holder under a parent that never reaps it: bash starts it, says its pid, then becomes `sleep`.
async function unreapedHolder(path: string, address: string): Promise<{ parent: ChildProcess; pid: number }> {
  const state = import.meta.resolve("@subagent-mcp/state");
  const script = `const { holdOwnership } = await import(${JSON.stringify(state)}); const o = await holdOwnership(${JSON.stringify(path)}, { address: ${JSON.stringify(address)} }); if (!o.held) process.exit(3); process.stderr.write("won\\n"); setInterval(() => {}, 1e6);`;
  const command = `${JSON.stringify(process.execPath)} --input-type=module -e ${shellQuote(script)} & echo "$!"; exec sleep 1000`;
  const parent = spawn("bash", ["-c", command], { stdio: ["ignore", "pipe", "pipe"] });
  const out = createInterface({ input: parent.stdout as NodeJS.ReadableStream });
  const err = createInterface({ input: parent.stderr as NodeJS.ReadableStream });
  const [pid] = await Promise.all([
    new Promise<number>((done) =>
      out.once("line", (line) => {
        done(Number(line));
      }),
    ),
    new Promise<void>((done) =>
      err.once("line", () => {
        done();
      }),
    ),
  ]);
  return { parent, pid };
}

const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

async function rowOf(address: "abstract" | "file", n: number, takeovers: number): Promise<OwnershipRow> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ownership-"));
  try {
    const path = join(dir, "worker.lock");
    const acquire: number[] = [];
    const refused: number[] = [];
    const release: number[] = [];
    for (let i = 0; i < n; i++) {
      const [took, own] = await timed(() => holdOwnership(path, { address }));
      acquire.push(took);
      refused.push((await timed(() => holdOwnership(path, { address })))[0]);
      if (own.held) release.push((await timed(own.release))[0]);
    }
    const takeover: number[] = [];
    for (let i = 0; i < takeovers; i++) {
      const { parent, pid } = await unreapedHolder(path, address);
      // Until bash has become `sleep`: bash itself would reap the killed holder.
      while (readStat(parent.pid ?? 0)?.comm !== "sleep") await new Promise((r) => setTimeout(r, 2));
      const [took, own] = await timed(async () => {
        process.kill(pid, "SIGKILL");
        for (;;) {
          const tried = await holdOwnership(path, { address });
          if (tried.held) return tried;
        }
      });
      if (readStat(pid)?.state !== "Z") throw new Error(`the killed holder ${String(pid)} is not a zombie`);
      takeover.push(took);
      own.release();
      parent.kill("SIGKILL");
    }
    return { address, acquire: summarize(acquire), refused: summarize(refused), release: summarize(release), takeover: summarize(takeover) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ownership benchmark: runs it, prints its table and a line, saves results/ownership.json. */
export async function benchOwnership({ save }: BenchContext): Promise<void> {
  const rows = [await rowOf("abstract", 2_000, 50), await rowOf("file", 2_000, 50)];
  const me = selfRef();
  // µs per call, over 20 batches of 1,000 calls (one call is below the timer's useful grain).
  const check = summarize(
    Array.from({ length: 20 }, () => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 1_000; i++) processAlive(me);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    }),
  );
  printTable(
    "ownership: a worker's lock, and its takeover after the holder's SIGKILL (the holder a zombie; ms)",
    ["address", "acquire median", "refused median", "release median", "takeover median", "takeover p99"],
    rows.map((r) => [r.address, r.acquire.median, r.refused.median, r.release.median, r.takeover.median, r.takeover.p99]),
  );
  process.stdout.write(`ownership: processAlive({pid, start}) takes ${String(check.median)} µs a call (median of 20 batches; slowest ${String(check.max)})\n`);
  save("ownership", { results: rows, processAliveMicros: check });
}
