// Appends to agents' journals without ever blocking or throwing on the caller's path.
import { appendFileSync, closeSync, fsyncSync, openSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { checkId, JournalError, unwritable } from "./errors.js";
import { adoptDir, claimDir, JOURNAL_FILE } from "./owner.js";
import { touchAgent } from "./dir-changes.js";
import { batchLength, lineBytes, rotateFiles, type Line } from "./rotate.js";
import type { JournalEntry, ServerRef } from "./schema.js";

/** Options of {@link JournalWriter}. */
interface JournalWriterOptions {
  /** Where agents' directories live: `$XDG_STATE_HOME/subagent-mcp/agents`. */
  dir: string;
  /** The server writing: recorded as owner of the agents it claims or adopts. */
  server: ServerRef;
  /** Size past which journal.jsonl is rotated (default 4 MiB). */
  maxFileBytes?: number;
  /** Rotated files kept (default 2). */
  keepFiles?: number;
  /** Entries kept per agent while writes fail, oldest dropped first (default 10 000). */
  maxQueued?: number;
}

interface AgentQueue {
  id: string;
  dir: string;
  queue: Line[];
  dropped: number;
  handle?: FileHandle;
  size: number;
  scheduled: boolean;
  chain: Promise<void>;
}

/** Writes the journals of one server's agents. */
export class JournalWriter {
  readonly #dir: string;
  readonly #server: ServerRef;
  readonly #maxFileBytes: number;
  readonly #keepFiles: number;
  readonly #maxQueued: number;
  /** Agent directories claimed ahead (see reserve), oldest first. */
  readonly #spares: string[] = [];
  #sparesDropped = false;
  readonly #agents = new Map<string, AgentQueue>();
  /** The writes of turn and end entries still on their way (see recorded). */
  readonly #durable = new Set<Promise<void>>();
  #broken: JournalError | undefined;

  constructor(opts: JournalWriterOptions) {
    this.#dir = opts.dir;
    this.#server = opts.server;
    this.#maxFileBytes = opts.maxFileBytes ?? 4 * 1024 * 1024;
    this.#keepFiles = opts.keepFiles ?? 2;
    this.#maxQueued = opts.maxQueued ?? 10_000;
  }

  /**
   * Claims a new agent directory and records this server as its owner; returns the agent id. One
   * claimed ahead by {@link reserve} is handed out first. Throws BAD_ID, JOURNAL_UNWRITABLE.
   */
  claim(preferred?: string): string {
    const spare = preferred === undefined ? this.#spares.shift() : undefined;
    return spare ?? claimDir(this.#dir, this.#server, preferred);
  }

  /**
   * Claims directories ahead until `count` wait, so that a launch does not spend its own time on
   * the file system (a claim is a few writes, a millisecond or more on a slow disk). Never throws:
   * after a failure the next {@link claim} claims, and reports, as it would have.
   */
  reserve(count: number): void {
    if (this.#sparesDropped) return;
    try {
      while (this.#spares.length < count) this.#spares.push(claimDir(this.#dir, this.#server));
    } catch {
      // The launch that needs one claims it itself and says why it cannot.
    }
  }

  /**
   * Takes back a directory {@link claim} handed out for a launch that was then refused before it
   * started: it waits as one claimed ahead (removed at exit like them), so no empty one is left.
   */
  giveBack(agentId: string): void {
    if (this.#sparesDropped) rmSync(join(this.#dir, agentId), { recursive: true, force: true });
    else this.#spares.unshift(agentId);
  }

  /**
   * Removes the directories claimed ahead that no agent took, and claims none ahead from then on
   * (when the server exits). One left by a crash holds no journal: it is never listed, and pruned
   * with the old ones.
   */
  dropSpares(): void {
    this.#sparesDropped = true;
    for (const id of this.#spares.splice(0)) rmSync(join(this.#dir, id), { recursive: true, force: true });
  }

  /** Takes over an existing agent's directory for a resume. Throws NOT_FOUND, OWNED_ELSEWHERE, BAD_ID, JOURNAL_UNWRITABLE. */
  adopt(agentId: string): void {
    adoptDir(this.#dir, this.#server, agentId);
    touchAgent(this.#dir, agentId);
  }

  /** Queues an entry and returns at once; never throws. Write failures show in {@link check}. */
  append(agentId: string, entry: JournalEntry): void {
    try {
      checkId(agentId);
      const agent = this.#agent(agentId);
      const durable = entry.t === "turn" || entry.t === "end";
      agent.queue.push({ text: JSON.stringify(entry) + "\n", durable, ...(durable ? { written: this.#awaited() } : {}) });
      while (agent.queue.length > this.#maxQueued) {
        agent.queue.shift()?.written?.();
        agent.dropped++;
      }
      this.#schedule(agent);
    } catch (err) {
      this.#broken = err instanceof JournalError ? err : unwritable(join(this.#dir, agentId), err);
    }
  }

  /**
   * After a failed write, tries what is still queued once more (space may have been freed since),
   * then throws JOURNAL_UNWRITABLE if that fails too; resolves at once while nothing failed.
   */
  async recheck(): Promise<void> {
    if (this.#broken === undefined) return;
    const waiting = [...this.#agents.values()].filter((a) => a.queue.length > 0);
    // Nothing left to write: the next write will tell; until then the failure stands.
    for (const agent of waiting) this.#schedule(agent);
    await this.flush();
    this.check();
  }

  /** Throws JOURNAL_UNWRITABLE (path and plain cause) while the last write failed. */
  check(): void {
    if (this.#broken !== undefined) throw this.#broken;
  }

  /**
   * Resolves once every turn and end entry appended so far is handed to the kernel (which keeps it
   * whatever becomes of this process), or its write has failed (then {@link check} says so);
   * undefined when none is on its way. The server holds each answer until then, so that a turn or
   * an end it reports is in the journal before anyone hears of it: a crash of the server right
   * after the answer loses nothing its successor must report. The sync to the disk that follows is
   * not waited for (about a millisecond more per answer; it guards against the machine's crash,
   * not the server's). Other entries (events, prompts) are not waited for: they come many per turn.
   */
  recorded(): Promise<void> | undefined {
    if (this.#durable.size === 0) return undefined;
    return Promise.all(this.#durable).then(() => undefined);
  }

  // A line's promise of being written: kept in #durable until told (see Line.written).
  #awaited(): () => void {
    let told = (): void => undefined;
    const written = new Promise<void>((resolve) => (told = resolve));
    this.#durable.add(written);
    return () => {
      this.#durable.delete(written);
      told();
    };
  }

  /** Resolves once every queued entry has been written or has failed. */
  async flush(): Promise<void> {
    for (;;) {
      const chains = [...this.#agents.values()].map((a) => a.chain);
      await Promise.all(chains);
      if ([...this.#agents.values()].every((a, i) => a.chain === chains[i])) return;
    }
  }

  /** For the exit path: writes whatever is still queued synchronously (best effort, never throws). */
  flushSync(): void {
    for (const agent of this.#agents.values()) {
      if (agent.queue.length === 0) continue;
      try {
        const fd = openSync(join(agent.dir, JOURNAL_FILE), "a", 0o600);
        try {
          appendFileSync(fd, agent.queue.map((l) => l.text).join(""));
          for (const line of agent.queue) line.written?.();
          fsyncSync(fd);
          touchAgent(this.#dir, agent.id, true);
        } finally {
          closeSync(fd);
        }
        agent.queue = [];
      } catch {
        // Best effort: the process is exiting and has nowhere to report to.
      }
    }
  }

  /** Closes the agent's file handle once its queue is written (the agent ended). */
  async close(agentId: string): Promise<void> {
    const agent = this.#agents.get(agentId);
    if (agent === undefined) return;
    agent.chain = agent.chain.then(async () => {
      await this.#closeHandle(agent);
      if (agent.queue.length === 0 && !agent.scheduled) this.#agents.delete(agentId);
    });
    await agent.chain;
  }

  #schedule(agent: AgentQueue): void {
    if (agent.scheduled) return;
    agent.scheduled = true;
    agent.chain = agent.chain.then(() => {
      agent.scheduled = false;
      return this.#drain(agent);
    });
  }

  #agent(agentId: string): AgentQueue {
    let agent = this.#agents.get(agentId);
    if (agent === undefined) {
      agent = { id: agentId, dir: join(this.#dir, agentId), queue: [], dropped: 0, size: 0, scheduled: false, chain: Promise.resolve() };
      this.#agents.set(agentId, agent);
    }
    return agent;
  }

  // Writes the queue in order; on failure puts back what is unwritten for the next append to retry.
  async #drain(agent: AgentQueue): Promise<void> {
    const path = join(agent.dir, JOURNAL_FILE);
    while (agent.queue.length > 0) {
      let taken: Line[] = [];
      try {
        let handle = await this.#open(agent, path);
        if (agent.size > 0 && agent.size + lineBytes(agent.queue[0]) > this.#maxFileBytes) handle = await this.#rotate(agent);
        // Taken off the queue while written, so flushSync at exit cannot write them twice.
        taken = agent.queue.splice(0, batchLength(agent.queue, this.#maxFileBytes - agent.size));
        const bytes = Buffer.from(taken.map((l) => l.text).join(""));
        await handle.write(bytes);
        agent.size += bytes.length;
        for (const line of taken) line.written?.();
        touchAgent(this.#dir, agent.id);
        const durable = taken.some((l) => l.durable);
        taken = [];
        if (durable) await handle.datasync();
        this.#broken = undefined;
      } catch (err) {
        agent.queue.unshift(...taken);
        // Not written now, and retried only by a later append: no answer waits for it meanwhile.
        for (const line of agent.queue) line.written?.();
        const lost = agent.dropped > 0 ? `; ${agent.dropped} older entries were dropped while it failed` : "";
        this.#broken = new JournalError("JOURNAL_UNWRITABLE", unwritable(path, err).message + lost);
        // The file may be replaced before the retry (space freed, link fixed): reopen it then.
        await this.#closeHandle(agent);
        return;
      }
    }
  }

  async #open(agent: AgentQueue, path: string): Promise<FileHandle> {
    if (agent.handle !== undefined) return agent.handle;
    const handle = await open(path, "a+", 0o600);
    agent.handle = handle;
    agent.size = (await handle.stat()).size;
    // A line cut by a crash would swallow the next entry: end it first, so only the cut one is lost.
    if (agent.size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, agent.size - 1);
      if (last[0] !== 0x0a) agent.size += (await handle.write("\n")).bytesWritten;
    }
    return handle;
  }

  // The launch entry opens every file: rotation may delete the first one, and a resume needs it.
  async #rotate(agent: AgentQueue): Promise<FileHandle> {
    const launch = agent.handle === undefined ? undefined : await launchLine(agent.handle);
    await this.#closeHandle(agent);
    await rotateFiles(agent.dir, this.#keepFiles);
    const handle = await this.#open(agent, join(agent.dir, JOURNAL_FILE));
    if (launch !== undefined) agent.size += (await handle.write(launch)).bytesWritten;
    return handle;
  }

  async #closeHandle(agent: AgentQueue): Promise<void> {
    const handle = agent.handle;
    agent.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}

/** The file's first line if it is the agent's launch entry (with its newline). */
async function launchLine(handle: FileHandle): Promise<string | undefined> {
  const head = Buffer.alloc(256 * 1024);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  const text = head.subarray(0, bytesRead).toString("utf8");
  const end = text.indexOf("\n");
  if (end < 0) return undefined;
  const line = text.slice(0, end + 1);
  return line.startsWith('{"t":"launch"') ? line : undefined;
}
