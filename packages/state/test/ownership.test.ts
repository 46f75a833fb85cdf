import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { buildSync } from "esbuild";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { processAlive, processRef, selfRef } from "../src/alive.js";
import { StateError } from "../src/errors.js";
import { OWNER_KEY_FILE } from "../src/owner-key.js";
import { holdOwnership, readHolder } from "../src/ownership.js";
import { readStat } from "../src/proc.js";
import { underNonReapingParent, until } from "./alive.test.js";

// A separate process that takes the ownership named by argv[2], says "won PID" or "lost" and then holds it until killed.
let holder = "";
beforeAll(() => {
  holder = join(mkdtempSync(join(tmpdir(), "ownership-bin-")), "holder.mjs");
  const contents = `import { spawn } from "node:child_process";
import { holdOwnership } from ${JSON.stringify(resolve("src/ownership.ts"))};
const ownership = await holdOwnership(process.argv[2], { address: process.argv[3] });
process.stdout.write(ownership.held ? "won " + process.pid + "\\n" : "lost\\n");
if (ownership.held) setInterval(() => {}, 60_000);
if (process.argv[4] === "spawn") process.stdout.write("child " + spawn("sleep", ["1000"], { stdio: "ignore" }).pid + "\\n");`;
  buildSync({
    stdin: { contents, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: holder,
    logLevel: "error",
  });
});

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
});

function startHolder(path: string, address: string, ...more: string[]): { child: ChildProcess; line: () => Promise<string> } {
  const child = spawn(process.execPath, [holder, path, address, ...more], { stdio: ["ignore", "pipe", "inherit"] });
  started.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, line: async () => String((await lines.next()).value) };
}

describe.each(["abstract", "file"] as const)("holdOwnership (%s address)", (address) => {
  it("is held by one process at a time, and free again once released", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ownership-")), "worker.lock");
    const first = await holdOwnership(path, { address });
    expect(first.held).toBe(true);
    const second = await holdOwnership(path, { address });
    expect(second).toEqual({ held: false, holder: processRef(process.pid) });
    if (first.held) first.release();
    const third = await holdOwnership(path, { address });
    expect(third.held).toBe(true);
    if (third.held) third.release();
  });

  it("names its holder to a racer that looks before the holder has written its record", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ownership-")), "worker.lock");
    const first = await holdOwnership(path, { address });
    // As if it had just bound: its record not written yet, and written while the racer looks.
    rmSync(path);
    setTimeout(() => {
      writeFileSync(path, `${JSON.stringify(selfRef())}\n`);
    }, 50);
    expect(await holdOwnership(path, { address })).toEqual({ held: false, holder: processRef(process.pid) });
    if (first.held) first.release();
  });

  it("goes to exactly one of several processes started together", async () => {
    for (let round = 0; round < 3; round++) {
      const path = join(mkdtempSync(join(tmpdir(), "ownership-")), "worker.lock");
      const said = await Promise.all([1, 2, 3, 4].map(() => startHolder(path, address).line()));
      expect(said.filter((line) => line.startsWith("won "))).toHaveLength(1);
      expect(said.filter((line) => line === "lost")).toHaveLength(3);
      for (const child of started.splice(0)) child.kill("SIGKILL");
    }
  });

  it("is not inherited by the processes its holder starts", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ownership-")), "worker.lock");
    const { child, line } = startHolder(path, address, "spawn");
    expect(await line()).toMatch(/^won /);
    const grandchild = Number((await line()).split(" ")[1]);
    child.kill("SIGKILL");
    await until("the holder to end", () => !processAlive({ pid: child.pid ?? 0 }));
    try {
      expect(processAlive({ pid: grandchild })).toBe(true);
      const after = await holdOwnership(path, { address });
      expect(after.held).toBe(true);
      if (after.held) after.release();
    } finally {
      process.kill(grandchild, "SIGKILL");
    }
  });

  it("is taken, or its live holder named, by a successor that looks while the holder is being killed", async () => {
    for (let round = 0; round < 20; round++) {
      const path = join(mkdtempSync(join(tmpdir(), "ownership-")), "worker.lock");
      const { child, line } = startHolder(path, address);
      const pid = Number((await line()).split(" ")[1]);
      child.kill("SIGKILL");
      // Looks again at once until it holds: each refusal on the way names the holder, none says no one.
      for (;;) {
        const tried = await holdOwnership(path, { address });
        if (tried.held) {
          tried.release();
          break;
        }
        expect(tried.holder?.pid).toBe(pid);
      }
    }
  });

  it("is free at once after its holder is SIGKILLed and stays a zombie", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ownership-")), "worker.lock");
    // Its "won" line goes to stderr: the parent's first stdout line is the holder's pid.
    const { line } = await underNonReapingParent(`${JSON.stringify(process.execPath)} ${JSON.stringify(holder)} ${JSON.stringify(path)} ${address} >&2`);
    const pid = Number(line);
    await until("the holder to win", () => readHolder(path)?.pid === pid);
    const taken = await holdOwnership(path, { address });
    expect(taken).toEqual({ held: false, holder: processRef(pid) });
    process.kill(pid, "SIGKILL");
    await until("the holder to be a zombie", () => readStat(pid)?.state === "Z");
    const after = await holdOwnership(path, { address });
    expect(after.held).toBe(true);
    if (after.held) after.release();
  });
});

describe("holdOwnership's lock names", () => {
  it("are salted with the folder's private key: a name another user could compute from the path blocks nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ownership-"));
    const path = join(dir, "worker.lock");
    // What anyone on the machine can compute without the key: the path's plain hash, bound first.
    const squatted = `\0subagent-mcp/${createHash("sha256")
      .update(realpathSync(dir) + "/worker.lock")
      .digest("hex")
      .slice(0, 32)}/worker.lock`;
    const squatter = createServer();
    await new Promise<void>((done) => squatter.listen({ path: squatted }, done));
    try {
      const taken = await holdOwnership(path);
      expect(taken.held).toBe(true);
      if (taken.held) taken.release();
    } finally {
      squatter.close();
    }
    const key = join(dir, OWNER_KEY_FILE);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(key, "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keep one key per folder, narrowed to its owner when found wider", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ownership-"));
    const first = await holdOwnership(join(dir, "worker.lock"));
    const key = readFileSync(join(dir, OWNER_KEY_FILE), "utf8");
    if (first.held) first.release();
    chmodSync(join(dir, OWNER_KEY_FILE), 0o644);
    const second = await holdOwnership(join(dir, "worker.lock"));
    expect(second.held).toBe(true);
    if (second.held) second.release();
    expect(readFileSync(join(dir, OWNER_KEY_FILE), "utf8")).toBe(key);
    expect(statSync(join(dir, OWNER_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it("survive the key file's deletion while a holder runs: the key is read back from the holder, so a second process is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ownership-"));
    const path = join(dir, "worker.lock");
    const { child, line } = startHolder(path, "abstract");
    const pid = Number((await line()).split(" ")[1]);
    const keyFile = join(dir, OWNER_KEY_FILE);
    const key = readFileSync(keyFile, "utf8");
    rmSync(keyFile);
    expect(await holdOwnership(path)).toEqual({ held: false, holder: processRef(pid) });
    expect(readFileSync(keyFile, "utf8")).toBe(key);
    // With its record gone as well: the kernel still knows who holds the key open.
    rmSync(keyFile);
    rmSync(path);
    expect((await holdOwnership(path)).held).toBe(false);
    expect(readFileSync(keyFile, "utf8")).toBe(key);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    child.kill("SIGKILL");
    await until("the holder to end", () => !processAlive({ pid }));
    // Nobody holds it open any more: a deleted key is made afresh, and the lock is free.
    rmSync(keyFile);
    const after = await holdOwnership(path);
    expect(after.held).toBe(true);
    if (after.held) after.release();
    expect(readFileSync(keyFile, "utf8")).not.toBe(key);
  });

  it("refuse a key file that is not a key, naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ownership-"));
    writeFileSync(join(dir, OWNER_KEY_FILE), "guessable\n", { mode: 0o600 });
    const refused = await holdOwnership(join(dir, "worker.lock")).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StateError);
    expect((refused as StateError).code).toBe("CORRUPT");
    expect((refused as StateError).message).toContain(OWNER_KEY_FILE);
  });
});
