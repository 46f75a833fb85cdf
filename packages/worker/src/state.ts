import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ProviderSchema, UsageSchema } from "@subagent-mcp/core";
import { z } from "zod";
import { writeAtomic } from "./atomic.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The conversation a worker resumes after a restart. */
export const SavedSessionSchema = z.object({ provider: ProviderSchema, sessionId: z.string().min(1), savedAt: z.string() });
export type SavedSession = z.infer<typeof SavedSessionSchema>;

/** One line of the worker's turn log (turns.jsonl). */
export const TurnLogSchema = z.object({
  at: z.string(),
  worker: z.string(),
  messages: z.array(z.string()),
  from: z.array(z.string()),
  thread: z.string(),
  attempt: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  exit: z.enum(["ok", "error", "timeout", "exited", "stopped"]),
  outcome: z.enum(["replied", "acked", "requeued", "dead", "released"]),
  tokens: UsageSchema.optional(),
  costUsd: z.number().optional(),
  sessionId: z.string().optional(),
  reply: z.string().optional(),
  error: z.string().optional(),
});
export type TurnLog = z.infer<typeof TurnLogSchema>;

/** A worker's files under the state dir: its saved session and its turn log. */
export class WorkerFiles {
  constructor(readonly dir: string) {}

  get sessionPath(): string {
    return join(this.dir, "session.json");
  }

  get logPath(): string {
    return join(this.dir, "turns.jsonl");
  }

  loadSession(): SavedSession | undefined {
    try {
      return SavedSessionSchema.parse(JSON.parse(readFileSync(this.sessionPath, "utf8")));
    } catch {
      return undefined;
    }
  }

  saveSession(session: Omit<SavedSession, "savedAt">): void {
    writeAtomic(this.sessionPath, `${JSON.stringify({ ...session, savedAt: new Date().toISOString() })}\n`);
  }

  /**
   * Takes the worker's lock: one process per mailbox name, because a starting worker requeues the
   * claims it finds, which would steal the messages a live one is answering. A lock left by a dead
   * process is taken over. Returns the holder's pid when another live process has it.
   */
  lock(pid: number = process.pid): { ok: true; release: () => void } | { ok: false; holder: number } {
    const path = join(this.dir, "worker.lock");
    mkdirSync(this.dir, { recursive: true });
    for (let tries = 0; tries < 3; tries++) {
      try {
        writeFileSync(path, String(pid), { flag: "wx" });
        return { ok: true, release: () => { rmSync(path, { force: true }); } };
      } catch {
        const holder = Number(readFileSync(path, "utf8").trim());
        if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder)) return { ok: false, holder };
        rmSync(path, { force: true });
      }
    }
    throw new Error(`cannot take the worker lock ${path}`);
  }

  forgetSession(): void {
    rmSync(this.sessionPath, { force: true });
  }

  // Appends are one write each, so a crash leaves at most a last partial line, never a torn middle.
  appendTurn(entry: TurnLog): void {
    mkdirSync(dirname(this.logPath), { recursive: true });
    appendFileSync(this.logPath, `${JSON.stringify(entry)}\n`);
  }

  turns(): TurnLog[] {
    let text: string;
    try {
      text = readFileSync(this.logPath, "utf8");
    } catch {
      return [];
    }
    return text.split("\n").flatMap((line) => {
      const parsed = line.trim() === "" ? undefined : TurnLogSchema.safeParse(JSON.parse(line));
      return parsed?.success === true ? [parsed.data] : [];
    });
  }
}
