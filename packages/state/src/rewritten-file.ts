import { closeSync, fchmodSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ensurePrivateDir } from "./private.js";

/**
 * One file of ours rewritten on every change its process sees (a server's pending file, as
 * each answer it sends goes out): atomic and 0600 like writePrivate, but in 5 system calls where
 * writeAtomic takes about 15, for these are not a user's files (no symlink to follow, no mode or
 * owner to keep) and their folder is made private once. Not flushed to disk: such a file means
 * nothing once its process is gone.
 */
export class RewrittenFile {
  readonly #temp: string;
  #folderMade = false;

  constructor(readonly path: string) {
    // The folder is private, so a temporary name of this process is not guessed by anyone else.
    this.#temp = join(dirname(path), `.${basename(path)}.${String(process.pid)}.tmp`);
  }

  write(text: string): void {
    if (!this.#folderMade) {
      ensurePrivateDir(dirname(this.path));
      this.#folderMade = true;
    }
    const fd = this.#open();
    try {
      writeFileSync(fd, text);
      fchmodSync(fd, 0o600); // exact: the umask must not narrow it
    } catch (error) {
      closeSync(fd);
      rmSync(this.#temp, { force: true });
      throw error;
    }
    closeSync(fd);
    renameSync(this.#temp, this.path);
  }

  // "wx": a fresh file, never a link planted at the name. One left by a crashed process that had
  // our pid is removed; a folder removed meanwhile is made again.
  #open(): number {
    try {
      return openSync(this.#temp, "wx", 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") rmSync(this.#temp, { force: true });
      else if (code === "ENOENT") ensurePrivateDir(dirname(this.path));
      else throw error;
      return openSync(this.#temp, "wx", 0o600);
    }
  }
}
