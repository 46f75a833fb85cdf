// Single-instance ownership that the kernel releases when the owner dies: a listening socket under a
// name derived from the owner file's path. Binding is atomic (of two racers one gets EADDRINUSE) and
// the kernel closes the socket with the process, zombie or not, whatever reaps it. The owner file
// itself only tells who holds it ({pid, start}), written once the lock is won.
import { createHmac, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { basename, dirname, join, resolve } from "node:path";
import { processAlive, ProcessRefSchema, selfRef, type ProcessRef } from "./alive.js";
import { ownerKey } from "./owner-key.js";
import { writeAtomic } from "./safe-write.js";

/** What {@link holdOwnership} gives: the lock with its release, or who holds it (when known). */
export type Ownership = { held: true; release: () => void } | { held: false; holder: ProcessRef | undefined };

/**
 * Takes the ownership named by `path` (e.g. a worker's `worker.lock`) for this process's life.
 * Linux: an abstract unix socket (no file; freed by the kernel). Windows: a named pipe (same). Both
 * names are salted with the folder's private key ({@link ownerKey}), so no other user can take them first.
 * Elsewhere: a socket file `<path>.sock`, linked into place only once it listens, and taken over
 * when nothing answers on it (see {@link linkListening}). The socket is
 * close-on-exec, so the processes we spawn never inherit it. `holder` is undefined when the winner
 * has not written its record within TEARDOWN_MS.
 */
export async function holdOwnership(path: string, options: { address?: "abstract" | "file" } = {}): Promise<Ownership> {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  // One name per file, whichever symlinked path to its folder the caller came by.
  const absolute = join(realpathSync(dirname(resolve(path))), basename(path));
  const kind = options.address ?? (process.platform === "linux" ? "abstract" : "file");
  const file = kind === "file" && process.platform !== "win32";
  // Open from before the bind until the release: a holder's key is never replaced (owner-key.ts).
  const key = file ? undefined : ownerKey(dirname(absolute));
  const address = key === undefined ? `${absolute}.sock` : process.platform === "win32" ? pipeName(absolute, key.key) : abstractName(absolute, key.key);
  const taken = await takeOrName(address, absolute, file).catch((error: unknown) => {
    key?.close();
    throw error;
  });
  if (!("server" in taken)) {
    key?.close();
    return { held: false, holder: taken.holder };
  }
  const { server } = taken;
  // The socket file's inode: release removes the file only while it is still this holder's.
  const socket = file ? inode(address) : undefined;
  const own = selfRef();
  writeAtomic(absolute, `${JSON.stringify(own)}\n`, { mode: 0o600, durable: false });
  return {
    held: true,
    release: () => {
      server.close();
      key?.close();
      if (socket !== undefined && inode(address) === socket) rmSync(address, { force: true });
      if (readHolder(absolute)?.pid === own.pid) rmSync(absolute, { force: true });
    },
  };
}

/**
 * The lock, or who holds it. A holder being killed may still run when {@link take} looks and be dead
 * when its record is read: its socket is closing, so it is taken once more (take waits for that).
 */
async function takeOrName(address: string, record: string, file: boolean): Promise<{ server: Server } | { holder: ProcessRef | undefined }> {
  for (let look = 0; ; look++) {
    const server = await take(address, record, file);
    if (server !== undefined) return { server };
    const holder = await writtenHolder(record);
    if (holder !== undefined || look > 0 || !recordedButDead(record)) return { holder };
  }
}

/**
 * Listens on the address, or finds it taken. While the recorded owner is dead (a zombie, say) the
 * kernel may still be closing its sockets for a few milliseconds as its last threads exit: tried again.
 */
async function take(address: string, record: string, file: boolean): Promise<Server | undefined> {
  const deadline = Date.now() + TEARDOWN_MS;
  for (;;) {
    const server = await (file ? linkListening(address) : listen(address));
    if (server !== undefined || !(recordedButDead(record) && Date.now() < deadline)) return server;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A socket file's lock. Binding `address` itself would leave a moment between bind and listen when
 * a live holder's file refuses connections, and a racer would take it for stale and remove it (two
 * holders). So the socket listens on a name of its own first and is hard-linked into place, which
 * fails if the name exists: the lock's file answers from the moment it appears. A file nothing answers
 * on has outlived its process; it is removed only if it is still the one probed, then linked again.
 */
async function linkListening(address: string): Promise<Server | undefined> {
  const draft = `${address}.${String(process.pid)}.${randomBytes(4).toString("hex")}`;
  const server = await listen(draft);
  if (server === undefined) throw new Error(`${draft} is taken`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(draft, address);
        return server;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const found = inode(address);
      if (found !== undefined && (await answers(address))) break;
      if (found !== undefined && inode(address) === found) rmSync(address, { force: true });
    }
    server.close();
    return undefined;
  } catch (error) {
    server.close();
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

function inode(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.ino;
}

// How long a dead owner's socket may take to close; a live owner is never waited for.
const TEARDOWN_MS = 1_000;

function recordedButDead(path: string): boolean {
  const recorded = readRecord(path);
  return recorded !== undefined && !processAlive(recorded);
}

/**
 * The holder, as {@link readHolder}; the winner of a race writes its record just after it binds, so a
 * loser that looks first waits for one a little (TEARDOWN_MS at most) rather than name no one. A
 * record naming a dead process is not waited on: its holder has died.
 */
async function writtenHolder(path: string): Promise<ProcessRef | undefined> {
  const deadline = Date.now() + TEARDOWN_MS;
  for (;;) {
    const recorded = readRecord(path);
    if (recorded !== undefined) return processAlive(recorded) ? recorded : undefined;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Who holds the ownership named by `path`, as its record says, when that process still runs. */
export function readHolder(path: string): ProcessRef | undefined {
  const recorded = readRecord(path);
  return recorded !== undefined && processAlive(recorded) ? recorded : undefined;
}

/** The owner record at `path`, live or not; undefined when absent or unreadable. */
function readRecord(path: string): ProcessRef | undefined {
  try {
    const parsed = ProcessRefSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// The abstract namespace allows 107 bytes: the salted hash, and the file's name for `ss -xl` readers.
function abstractName(path: string, key: string): string {
  return `\0subagent-mcp/${hash(path, key)}/${basename(path).slice(0, 48)}`;
}

function pipeName(path: string, key: string): string {
  return `\\\\.\\pipe\\subagent-mcp-${hash(path, key)}`;
}

function hash(path: string, key: string): string {
  return createHmac("sha256", key).update(path).digest("hex").slice(0, 32);
}

/** Listens on the address; undefined when it is taken. The server never keeps the process alive. */
function listen(address: string): Promise<Server | undefined> {
  return new Promise((done, fail) => {
    // Nobody has anything to say to an owner: a probe is hung up on at once.
    const server = createServer((socket) => socket.destroy());
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") done(undefined);
      else fail(error);
    });
    server.listen({ path: address, exclusive: true }, () => {
      server.unref();
      done(server);
    });
  });
}

/** Whether a live process listens on the socket file. */
function answers(address: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createConnection({ path: address });
    probe.once("connect", () => {
      probe.destroy();
      done(true);
    });
    probe.once("error", () => {
      done(false);
    });
  });
}
