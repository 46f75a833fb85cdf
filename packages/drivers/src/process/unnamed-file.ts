import { closeSync, constants, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// What only one CLI may read (its MCP servers' secrets and signed addresses) is handed to it as an
// open file with no name: the CLI reads it at /dev/fd/N, and no path on disk ever leads to it, so
// another agent of the same user cannot `cat` it. Only a look into the CLI's own /proc entry can
// (as into its MCP servers' environment), which a per-agent sandbox with its own /proc closes.

// Linux's O_TMPFILE (a file made without a name); where the platform has none, the flag is 0 and unused.
const O_TMPFILE = process.platform === "linux" ? 0o20000000 | constants.O_DIRECTORY : 0;

/**
 * An open file (read-write, 0600) holding `text`, with no name on disk: made nameless where the
 * file system can (O_TMPFILE), else unlinked before this returns. Its offset stays at 0. The caller
 * hands it to one process as an inherited descriptor and closes its own copy.
 */
export function unnamedFile(text: string): number {
  const fd = O_TMPFILE === 0 ? namedThenUnlinked() : nameless();
  try {
    // Positional: the shared offset stays at 0 for a reader that reads the inherited descriptor itself.
    writeSync(fd, text, 0, "utf8");
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function nameless(): number {
  try {
    return openSync(tmpdir(), O_TMPFILE | constants.O_RDWR, 0o600);
  } catch {
    // A file system without O_TMPFILE (EOPNOTSUPP, EISDIR on old kernels).
    return namedThenUnlinked();
  }
}

// Made in a folder only this user can enter, then unlinked at once with its folder.
function namedThenUnlinked(): number {
  const dir = mkdtempSync(join(tmpdir(), "subagent-mcp-"));
  const path = join(dir, "f");
  try {
    return openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
  } finally {
    unlinkSync(path);
    rmdirSync(dir);
  }
}
