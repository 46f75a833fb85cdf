// How a journal is cut into files: batches that fit, and the shift of rotated files.
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { JOURNAL_FILE, rotatedFile } from "./owner.js";

/** One serialized entry waiting to be written. */
export interface Line {
  text: string;
  // "turn" and "end" are the entries a resume needs: they are made durable before going on.
  durable: boolean;
  /** Told once the line is handed to the kernel, or its write failed or it was dropped (see JournalWriter.recorded). */
  written?: () => void;
}

/** The line's size on disk. */
export const lineBytes = (line: Line | undefined): number => (line === undefined ? 0 : Buffer.byteLength(line.text));

/** How many queued lines fit in `room` bytes, and always at least one. */
export function batchLength(queue: Line[], room: number): number {
  let n = 0;
  for (const line of queue) {
    room -= lineBytes(line);
    if (n > 0 && room < 0) break;
    n++;
  }
  return n;
}

/** journal.jsonl -> journal.1.jsonl -> journal.2.jsonl ..., the oldest beyond `keepFiles` deleted. */
export async function rotateFiles(agentDir: string, keepFiles: number): Promise<void> {
  const at = (n: number): string => join(agentDir, n === 0 ? JOURNAL_FILE : rotatedFile(n));
  await rm(at(keepFiles), { force: true });
  for (let n = keepFiles - 1; n >= 0; n--) {
    await rename(at(n), at(n + 1)).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    });
  }
}
