import { closeSync, fchmodSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { ensurePrivateDir, stateDir } from "@subagent-mcp/hooks";
import { z } from "zod";

// Every permission request and its outcome, one JSON line each, in a private file that rotates at a
// size bound. Auditing must never break the agent it audits: failures go to stderr, once.

export const AuditEntrySchema = z.object({
  /** When the outcome was reached (ISO 8601). */
  at: z.string(),
  /** Who decided: a rule, the orchestrator (respond_permission), an approver, or the timeout. */
  by: z.enum(["rule", "orchestrator", "approver", "timeout"]),
  agentId: z.string(),
  requestId: z.string(),
  tool: z.string(),
  /** One line: `Bash: npm test`, `Edit: /repo/src/a.ts`. */
  request: z.string(),
  decision: z.enum(["allow", "allow_always", "deny", "ask"]),
  /** The rule that decided, or the rule an allow_always answer added. */
  rule: z.string().optional(),
  reason: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export interface AuditLogOptions {
  /** The log file (default `$XDG_STATE_HOME/subagent-mcp/permissions.jsonl`). */
  path?: string;
  /** Rotate to `<path>.1` before the file would pass this many bytes (default 5 MB). */
  maxBytes?: number;
  /** Where the one failure report goes (default stderr). */
  warn?: (message: string) => void;
}

/** The default log file, in our private state folder. */
export function defaultAuditPath(env: Record<string, string | undefined> = process.env, home: string = homedir()): string {
  return join(stateDir({ home, env }), "permissions.jsonl");
}

/** Appends audit entries to a 0600 JSON-lines file; never throws into the caller. */
export class AuditLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly warn: (message: string) => void;
  private warned = false;
  private size: number | undefined;

  constructor(options: AuditLogOptions = {}) {
    this.path = options.path ?? defaultAuditPath();
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.warn = options.warn ?? ((message) => process.stderr.write(`${message}\n`));
  }

  /** Appends one entry (`at` defaults to now). */
  record(entry: Omit<AuditEntry, "at"> & { at?: string }): void {
    try {
      const line = `${JSON.stringify({ ...entry, at: entry.at ?? new Date().toISOString() })}\n`;
      const bytes = Buffer.byteLength(line);
      this.size ??= this.currentSize();
      if (this.size > 0 && this.size + bytes > this.maxBytes) {
        renameSync(this.path, `${this.path}.1`);
        this.size = 0;
      }
      const fd = openSync(this.path, "a", 0o600);
      try {
        fchmodSync(fd, 0o600); // a file created before, or under a wider umask, is narrowed too
        writeSync(fd, line);
      } finally {
        closeSync(fd);
      }
      this.size += bytes;
    } catch (error) {
      this.size = undefined; // re-read after a failure: the file may have changed under us
      if (!this.warned) {
        this.warned = true;
        this.warn(`subagent-mcp: cannot write the permission audit log ${this.path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private currentSize(): number {
    ensurePrivateDir(dirname(this.path));
    try {
      return statSync(this.path).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw error;
    }
  }
}
