import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Quarantined } from "./types.js";

// Next to each kept file: why it was set aside (so `subagent-mcp mail` can say).
const NOTE = ".reason";
const NoteSchema = z.object({ from: z.enum(["new", "cur", "dead"]), reason: z.string(), at: z.string() });

/**
 * Moves a file that is not a message out of the way, bytes untouched, so it no longer blocks a
 * reader or wakes one. Returns false when the file could not be moved (gone already, or no rights):
 * readers skip it either way.
 */
export function quarantine(path: string, file: string, dir: string, from: NonNullable<Quarantined["from"]>, reason: string): boolean {
  // Never over an earlier file of the same name: nothing quarantined is lost.
  const kept = existsSync(join(dir, file)) ? `${file}.${randomBytes(4).toString("hex")}` : file;
  try {
    renameSync(path, join(dir, kept));
  } catch {
    return false;
  }
  try {
    writeFileSync(join(dir, `${kept}${NOTE}`), JSON.stringify({ from, reason, at: new Date().toISOString() }), { mode: 0o600 });
  } catch {
    // The file is out of the way; only the note is missing.
  }
  return true;
}

/** The files kept in a mailbox's quarantine folder, oldest name first. */
export function quarantined(dir: string): Quarantined[] {
  return readdirSync(dir)
    .filter((f) => !f.endsWith(NOTE))
    .sort()
    .map((file) => {
      try {
        return { file, ...NoteSchema.parse(JSON.parse(readFileSync(join(dir, `${file}${NOTE}`), "utf8"))) };
      } catch {
        return { file, reason: "unknown (its note is missing)" };
      }
    });
}
