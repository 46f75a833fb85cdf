import { processAlive } from "@subagent-mcp/state";
import { execa, type ResultPromise } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";
import { nodeWhere, startFleetBed, type FleetBed } from "./fleet-bed.js";
import { freshPrefix, machine, until, useRedisBed } from "./redis-machines.js";

// Two starts of one owner racing for its name at the same instant: exactly one runs, the other
// fails naming the winner; never both. A worker's name is held by the kernel-released lock, a
// node's by its lease in Redis.

const KEY = "race-one-name-e2e-key-0123456789abcdef";
const ROUNDS = 3;

const redisBed = useRedisBed();
let bed: FleetBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

interface Racer {
  proc: ResultPromise;
  pid: number;
  stderr: () => string;
}

/** Starts the built `subagent-mcp ARGS` twice at once. */
function race(args: string[], where: { cwd: string; env: Record<string, string> }): Racer[] {
  return [0, 1].map(() => {
    const proc = execa(process.execPath, [bin, ...args], { cwd: where.cwd, env: where.env, extendEnv: false, reject: false });
    redisBed.started.procs.push(proc);
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return { proc, pid: proc.pid ?? 0, stderr: () => stderr };
  });
}

/** Waits until one racer is `ready` and the other has exited; checks they were never both ready. */
async function oneWins(racers: Racer[], ready: RegExp): Promise<{ winner: Racer; loser: Racer }> {
  const [winner, loser] = await until(
    "one racer to run and the other to exit",
    () => {
      if (racers.every((r) => ready.test(r.stderr()))) throw new Error(`both run: ${racers.map((r) => r.stderr()).join("\n---\n")}`);
      const exited = racers.filter((r) => r.proc.exitCode !== null);
      const running = racers.filter((r) => r.proc.exitCode === null && ready.test(r.stderr()));
      return exited.length === 1 && running.length === 1 ? [running[0], exited[0]] : undefined;
    },
    120_000,
  );
  if (winner === undefined || loser === undefined) throw new Error("no winner");
  expect(loser.proc.exitCode).not.toBe(0);
  expect(ready.test(loser.stderr())).toBe(false);
  expect(processAlive({ pid: winner.pid })).toBe(true);
  return { winner, loser };
}

/** Ends the winner as its user would (SIGTERM) and waits for it. */
async function stop(winner: Racer): Promise<void> {
  winner.proc.kill("SIGTERM");
  await winner.proc;
}

describe("two starts racing for one name: one wins", { timeout: 300_000 }, () => {
  it("two `worker NAME` at once: one waits on its mailbox, the other says it is already running, naming the winner's pid", async () => {
    const m = await machine(redisBed.started, redisBed.fake, redisBed.redis.url, freshPrefix());
    for (let round = 0; round < ROUNDS; round++) {
      const { winner, loser } = await oneWins(race(["worker", "--name", "racer"], { cwd: m.e.cwd, env: m.vars }), /waiting on its mailbox/);
      expect(loser.stderr()).toContain(`worker "racer" is already running on this machine (pid ${String(winner.pid)})`);
      await stop(winner);
    }
  });

  it("two `node --name X` on one Redis at once: one lends its CLIs, the other fails with the name taken by the winner", async () => {
    const b = (bed = await startFleetBed(KEY));
    const { claude } = await b.fakes("claude");
    const env = await b.env({ claude });
    const where = nodeWhere(b, env, KEY, { fleet: { roots: [env.cwd] }, caps: { claude: 2 } });
    for (let round = 0; round < ROUNDS; round++) {
      const { winner, loser } = await oneWins(race(["node", "--name", "racer"], where), /lending/);
      expect(loser.stderr()).toContain(`the machine name "racer" is taken: a node on`);
      expect(loser.stderr()).toContain(`(pid ${String(winner.pid)})`);
      await stop(winner);
    }
  });
});
