import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { StateError } from "./errors.js";

// Every file we write, ours (mode files, setup's record) or the user's (host configs, through
// @subagent-mcp/hosts), goes through here: its mode, owner and symlinks survive the write,
// and a reader sees the old bytes or the new ones, never half of them.

/** How {@link writeAtomic} treats the file's mode and a read-only file. */
export interface WriteOptions {
  /** The exact mode to give the file, whatever it had and whatever the umask. */
  mode?: number;
  /** The mode of a file that does not exist yet (default: 0o666 less the umask). */
  createMode?: number;
  /** Write even a file its owner made read-only. */
  force?: boolean;
  /**
   * false: skip the fsync (still atomic: a reader sees the old file or the new one). For state that
   * dies with its process anyway, where a disk flush would only slow the caller (default true).
   */
  durable?: boolean;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

// A path with its folder resolved to the real one, so a relative link target resolves as the kernel does.
function inRealFolder(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/**
 * The file a write to `path` must change: the end of its chain of symlinks (which may not exist
 * yet), so that a dotfiles link stays a link and its target gets the new text.
 */
export function writeTarget(path: string): string {
  let current = inRealFolder(resolve(path));
  for (let hops = 0; hops < 40; hops += 1) {
    let link: boolean;
    try {
      link = lstatSync(current).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return current;
      throw error;
    }
    if (!link) return current;
    current = inRealFolder(resolve(dirname(current), readlinkSync(current)));
  }
  throw new StateError("CONFLICT", `${path}: too many levels of symbolic links`);
}

/** Refuses a file whose owner took away its own write bit (unless forced): they asked us not to touch it. */
export function assertWritable(path: string, force = false): void {
  const stats = statOrUndefined(writeTarget(path));
  if (force || stats === undefined || (stats.mode & 0o200) !== 0) return;
  const mode = (stats.mode & 0o777).toString(8).padStart(4, "0");
  throw new StateError(
    "READ_ONLY",
    `${path} is read-only (mode ${mode}); nothing was changed. Make it writable, or pass --force to write it anyway (its mode stays ${mode})`,
  );
}

/**
 * Replaces a file's text atomically: a temporary file in the target's own folder, given the
 * target's mode (and, when we run as root, its owner) before it is renamed over the target.
 * Writes through symlinks, and refuses a read-only file unless `force`.
 */
export function writeAtomic(path: string, text: string, options: WriteOptions = {}): void {
  if (options.mode === undefined) assertWritable(path, options.force);
  const target = writeTarget(path);
  const existing = statOrUndefined(target);
  const mode = options.mode ?? (existing === undefined ? options.createMode : existing.mode & 0o7777);
  mkdirSync(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  // "wx": a fresh file, never one planted at the temporary name (O_EXCL does not follow links).
  const fd = openSync(temp, "wx", mode ?? 0o666);
  try {
    writeFileSync(fd, text);
    const uid = process.getuid?.();
    // Root editing someone else's file (sudo setup): the file stays theirs. Before the mode: chown clears setuid bits.
    if (existing !== undefined && uid === 0 && (existing.uid !== uid || existing.gid !== process.getgid?.())) fchownSync(fd, existing.uid, existing.gid);
    if (mode !== undefined) fchmodSync(fd, mode); // exact: the umask must not widen or narrow it
    if (options.durable !== false) fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, target);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temp, { force: true });
    throw error;
  }
}
