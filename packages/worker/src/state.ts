import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { holdOwnership, workerLayout, writeAtomic } from "@subagent-mcp/state";
import { z } from "zod";
import { PendingApprovals } from "./approval.js";
import { errorMessage } from "@subagent-mcp/errors";
import { SavedSessionSchema, TurnLogSchema, type SavedSession, type TurnLog } from "@subagent-mcp/contract";

/** A worker's files under the state dir (state's `workerLayout`): its saved session and its turn log. */
export class WorkerFiles {
  constructor(readonly dir: string) {}

  get sessionPath(): string {
    return workerLayout(this.dir).session;
  }

  /** Permission requests waiting for the approver's answer. */
  get approvals(): PendingApprovals {
    return new PendingApprovals(workerLayout(this.dir).permissions);
  }

  get logPath(): string {
    return workerLayout(this.dir).turns;
  }

  /**
   * The saved session, if any. One that cannot be read (a torn write, a hand edit) is reported to
   * `onProblem` and moved aside, bytes kept: the worker starts a new session instead of failing.
   * Without `onProblem` (a look, not a start) the file is left as it is.
   */
  loadSession(onProblem?: (problem: string) => void): SavedSession | undefined {
    let text: string;
    try {
      text = readFileSync(this.sessionPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      this.#setAside(`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, onProblem);
      return undefined;
    }
    try {
      return SavedSessionSchema.parse(JSON.parse(text));
    } catch (error) {
      this.#setAside(error instanceof z.ZodError ? (error.issues[0]?.message ?? "invalid") : errorMessage(error), onProblem);
      return undefined;
    }
  }

  #setAside(problem: string, onProblem?: (problem: string) => void): void {
    if (onProblem === undefined) return;
    const aside = `${this.sessionPath}.corrupt-${Date.now()}`;
    try {
      renameSync(this.sessionPath, aside);
      onProblem(`${this.sessionPath} is not a saved session (${problem}); moved to ${aside}, starting a new session`);
    } catch {
      onProblem(`${this.sessionPath} is not a saved session (${problem}); starting a new session`);
    }
  }

  saveSession(session: Omit<SavedSession, "savedAt">): void {
    writeAtomic(this.sessionPath, `${JSON.stringify({ ...session, savedAt: new Date().toISOString() })}\n`);
  }

  /**
   * Takes the worker's lock: one process per mailbox name, because a starting worker requeues the
   * claims it finds, which would steal the messages a live one is answering. The kernel releases it
   * when the holder dies (state's `holdOwnership`), zombie or not, so a restart takes over at once.
   * Returns the holder's pid, when known, while another live process has it.
   */
  async lock(): Promise<{ ok: true; release: () => void } | { ok: false; holder: number | undefined }> {
    const ownership = await holdOwnership(workerLayout(this.dir).lock);
    return ownership.held ? { ok: true, release: ownership.release } : { ok: false, holder: ownership.holder?.pid };
  }

  forgetSession(): void {
    rmSync(this.sessionPath, { force: true });
  }

  // Appends are one write each, so a crash leaves at most a last partial line, never a torn middle;
  // the next entry starts on a line of its own after one.
  appendTurn(entry: TurnLog): void {
    mkdirSync(dirname(this.logPath), { recursive: true });
    const cut = !endsLine(this.logPath);
    appendFileSync(this.logPath, `${cut ? "\n" : ""}${JSON.stringify(entry)}\n`);
  }

  turns(): TurnLog[] {
    let text: string;
    try {
      text = readFileSync(this.logPath, "utf8");
    } catch {
      return [];
    }
    // A line cut short by a crash is skipped, not fatal.
    return text.split("\n").flatMap((line) => {
      if (line.trim() === "") return [];
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return [];
      }
      const parsed = TurnLogSchema.safeParse(json);
      return parsed.success ? [parsed.data] : [];
    });
  }
}

/** True when the file is missing, empty, or ends with a newline. */
function endsLine(path: string): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return true;
  }
  if (size === 0) return true;
  const fd = openSync(path, "r");
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
