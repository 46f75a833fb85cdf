import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeAtomic } from "./files.js";

/** Where orchestration mode is kept for one project (the host gives the server no session id). */
export function modeFile(stateDir: string, cwd: string): string {
  const key = createHash("sha256").update(resolve(cwd)).digest("hex").slice(0, 16);
  return join(stateDir, "mode", `${key}.json`);
}

/** Whether orchestration mode is on for the project at `cwd` (off unless turned on). */
export function isOrchestrating(stateDir: string, cwd: string): boolean {
  try {
    return (JSON.parse(readFileSync(modeFile(stateDir, cwd), "utf8")) as { enabled?: unknown }).enabled === true;
  } catch {
    return false;
  }
}

/** Turns orchestration mode on or off for the project at `cwd`. */
export function setOrchestrating(stateDir: string, cwd: string, enabled: boolean): void {
  writeAtomic(modeFile(stateDir, cwd), `${JSON.stringify({ enabled, cwd: resolve(cwd) })}\n`);
}
