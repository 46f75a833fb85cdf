// A secret per owner folder that salts the kernel-level names of its locks. Abstract unix sockets and
// Windows pipes carry no permissions: anyone on the machine may bind a name first. Were the name only
// a hash of the owner file's path, another local user could compute it and hold it, so that a user's
// worker never starts. Salted with a key only the folder's owner can read (0600), the name cannot be
// guessed by anyone who could not also read the user's own files.
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StateError } from "./errors.js";
import { keepPrivate } from "./private.js";

/** The file, beside the owner files of a folder, that keeps the folder's lock key. */
export const OWNER_KEY_FILE = ".owner-key";

const KEY = /^[0-9a-f]{64}$/;

/**
 * The folder's key, made on first use. Two processes making it at once agree: the key is written to a
 * file of its own and linked into place, which fails for the second (EEXIST), who then reads the first's.
 */
export function ownerKey(dir: string): string {
  const path = join(dir, OWNER_KEY_FILE);
  const known = readKey(path);
  if (known !== undefined) return known;
  const draft = `${path}.${String(process.pid)}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  const key = readKey(path);
  if (key === undefined) throw new StateError("CORRUPT", `${path} vanished while it was being made; try again`);
  return key;
}

/** The key in `path`, undefined when there is none; one another user could have planted is refused. */
function readKey(path: string): string | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return undefined;
  keepPrivate(path, stats);
  const key = readFileSync(path, "utf8").trim();
  if (!KEY.test(key)) {
    throw new StateError("CORRUPT", `${path} is not a lock key (64 hex digits); remove it while no worker of this folder runs`);
  }
  return key;
}
