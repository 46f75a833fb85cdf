import { closeSync, fchmodSync, fstatSync, openSync, renameSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { dirname } from "node:path";
import { ensurePrivateDir, stateDir, stateLayout } from "@subagent-mcp/state";
import { z } from "zod";
import { errorMessage } from "@subagent-mcp/errors";

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
type AuditEntry = z.infer<typeof AuditEntrySchema>;

interface AuditLogOptions {
  /** The log file (default `$XDG_STATE_HOME/subagent-mcp/permissions.jsonl`). */
  path?: string;
  /** Rotate to `<path>.1` before the file would pass this many bytes (default 5 MB). */
  maxBytes?: number;
  /** Where the one failure report goes (default stderr). */
  warn?: (message: string) => void;
}

/** The default log file, in our private state folder. */
export function defaultAuditPath(env: Record<string, string | undefined> = process.env, home: string = homedir()): string {
  return stateLayout(stateDir({ home, env })).audit;
}

/** Appends audit entries to a 0600 JSON-lines file; never throws into the caller. */
export class AuditLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly warn: (message: string) => void;
  private warned = false;
  private dirReady = false;

  constructor(options: AuditLogOptions = {}) {
    this.path = options.path ?? defaultAuditPath();
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.warn = options.warn ?? ((message) => process.stderr.write(`${message}\n`));
  }

  /** Appends one entry (`at` defaults to now). */
  record(entry: Omit<AuditEntry, "at"> & { at?: string }): void {
    try {
      const line = `${JSON.stringify({ ...entry, at: entry.at ?? new Date().toISOString() })}\n`;
      if (!this.dirReady) ensurePrivateDir(dirname(this.path));
      this.dirReady = true;
      let fd = openSync(this.path, "a", 0o600);
      try {
        // The size on disk, not a count of our own lines: other servers may append to the same file.
        const size = fstatSync(fd).size;
        if (size > 0 && size + Buffer.byteLength(line) > this.maxBytes) {
          closeSync(fd);
          fd = -1;
          renameSync(this.path, `${this.path}.1`);
          fd = openSync(this.path, "a", 0o600);
        }
        fchmodSync(fd, 0o600); // a file created before, or under a wider umask, is narrowed too
        writeSync(fd, line);
      } finally {
        if (fd >= 0) closeSync(fd);
      }
    } catch (error) {
      this.dirReady = false; // the folder may have gone; make it again next time
      if (!this.warned) {
        this.warned = true;
        this.warn(`subagent-mcp: cannot write the permission audit log ${this.path}: ${errorMessage(error)}`);
      }
    }
  }
}
