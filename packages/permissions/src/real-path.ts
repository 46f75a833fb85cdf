import { realpathSync } from "node:fs";
import { isAbsolute, posix, resolve } from "node:path";

// Paths are judged by where they really lead: a link `docs/id_rsa -> ~/.ssh/id_rsa` inside the
// working folder is a read of the key, and `/proc/self/root/etc/x` is `/etc/x`.

/** Link hops followed up a missing path's parents before giving up on resolving it. */
const MAX_PARTS = 256;

/**
 * `path` (relative to `cwd`) with every symbolic link resolved the way the kernel does (`..`
 * after a link goes up from the link's target). A path that does not exist yet resolves through
 * its nearest existing parent; what cannot be resolved at all (no permission) stays as written.
 */
export function realPath(path: string, cwd: string): string {
  const full = isAbsolute(path) ? path : `${cwd}/${path}`;
  let head = full;
  const tail: string[] = [];
  for (let i = 0; i < MAX_PARTS; i += 1) {
    try {
      return tail.length === 0 ? realpathSync.native(head) : resolve(realpathSync.native(head), ...tail.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") break;
      const cut = head.lastIndexOf("/");
      if (cut < 0 || head === "/") break;
      tail.push(head.slice(cut + 1));
      head = cut === 0 ? "/" : head.slice(0, cut);
    }
  }
  return posix.normalize(resolve(full));
}
