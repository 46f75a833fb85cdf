import { CodedError, errorMessage } from "@subagent-mcp/errors";

/** Stable codes of {@link JournalError}. */
export type JournalErrorCode = "JOURNAL_UNWRITABLE" | "NOT_FOUND" | "OWNED_ELSEWHERE" | "BAD_ID";

/** The one error class of `@subagent-mcp/journal`; `message` says what was wrong and what to do. */
export class JournalError extends CodedError<JournalErrorCode> {
  override readonly name = "JournalError";
}

const PLAIN: Record<string, string> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  EROFS: "the file system is read-only",
  ENOENT: "a directory on the way is missing",
  ENOTDIR: "a part of the path is not a directory",
  EMFILE: "too many files are open",
  EIO: "the disk reported an I/O error",
};

// Says in plain words what a file-system error means, so the user knows what to fix.
export function plainCause(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const plain = code === undefined ? undefined : PLAIN[code];
  const raw = errorMessage(err);
  return plain === undefined ? raw : `${plain} (${code})`;
}

/** A JOURNAL_UNWRITABLE error naming the path and the plain cause. */
export function unwritable(path: string, err: unknown): JournalError {
  return new JournalError("JOURNAL_UNWRITABLE", `cannot write the agent journal at ${path}: ${plainCause(err)}`);
}

const ID = /^[a-z0-9-]{1,64}$/;

/** Throws BAD_ID unless the id is safe as a directory name. */
export function checkId(agentId: string): void {
  if (!ID.test(agentId)) throw new JournalError("BAD_ID", `agent id ${JSON.stringify(agentId)} is not valid: use 1-64 of a-z, 0-9 and -`);
}
