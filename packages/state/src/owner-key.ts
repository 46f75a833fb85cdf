// A secret per owner folder that salts the kernel-level names of its locks. Abstract unix sockets and
// Windows pipes carry no permissions: anyone on the machine may bind a name first. Were the name only
// a hash of the owner file's path, another local user could compute it and hold it, so that a user's
// worker never starts. Salted with a key only the folder's owner can read (0600), the name cannot be
// guessed by anyone who could not also read the user's own files.
//
// A holder keeps the key file open for as long as it holds its lock, so that a key deleted meanwhile
// is not replaced by another: a new key would name another lock, and a second holder would run beside
// the first. A missing key is read back from the live process that holds it open (kept-open.ts), and
// only a key no live process holds is made afresh.
import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, linkSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StateError } from "./errors.js";
import { keptOpen } from "./kept-open.js";
import { keepPrivate } from "./private.js";

/** The file, beside the owner files of a folder, that keeps the folder's lock key. */
export const OWNER_KEY_FILE = ".owner-key";

const KEY = /^[0-9a-f]{64}$/;

/** A folder's key and the open file it was read from: kept open while a lock named with it is held. */
export interface HeldKey {
  key: string;
  close: () => void;
}

/**
 * The folder's key, open, made on first use. Two processes making it at once agree: the key is
 * written to a file of its own and linked into place, which fails for the second (EEXIST), who then
 * reads the first's. One a live process still holds open after its file was deleted is put back.
 */
export function ownerKey(dir: string): HeldKey {
  const path = join(dir, OWNER_KEY_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    const held = openKey(path);
    if (held !== undefined) return held;
    const kept = keptOpen(path, (text) => KEY.test(text.trim()));
    linkInto(path, kept?.trim() ?? randomBytes(32).toString("hex"));
  }
  throw new StateError("CORRUPT", `${path} vanished while it was being made; try again`);
}

// Written beside and linked into place: never a half-written key, and never over another's.
function linkInto(path: string, key: string): void {
  const draft = `${path}.${String(process.pid)}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, `${key}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

/** The key in `path`, read from the file it stays open on; undefined when there is none; one another user could have planted is refused. */
function openKey(path: string): HeldKey | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    keepPrivate(path, fstatSync(fd));
    const key = readFileSync(fd, "utf8").trim();
    if (!KEY.test(key)) {
      throw new StateError("CORRUPT", `${path} is not a lock key (64 hex digits); remove it while no worker of this folder runs`);
    }
    let open = true;
    // Once only: a second close could close a descriptor the number was given to since.
    return {
      key,
      close: () => {
        if (open) closeSync(fd);
        open = false;
      },
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
