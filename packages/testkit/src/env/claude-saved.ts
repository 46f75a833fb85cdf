import { existsSync, mkdirSync, readdirSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";

// Claude Code keeps each conversation in $HOME/.claude/projects/<cwd slug>/<session id>.jsonl, and
// writes a turn's prompt there a moment after it sends the request: a kill before that leaves
// nothing to resume. Tests that kill it mid-turn and resume wait for the write first.

/** Whether a saved conversation under `home` (the one of `sessionId`, else any) holds `text`. */
export function claudeTranscriptHolds(home: string, text: string, sessionId?: string): boolean {
  const projects = join(home, ".claude", "projects");
  if (!existsSync(projects)) return false;
  return readdirSync(projects, { recursive: true, encoding: "utf8" }).some((f) => {
    if (!f.endsWith(sessionId === undefined ? ".jsonl" : `${sessionId}.jsonl`)) return false;
    return readFileSync(join(projects, f), "utf8").includes(text);
  });
}

/** Resolves once Claude Code under `home` has saved `text` in a conversation (woken by its writes, not a timer). */
export function untilClaudeSaved(home: string, text: string, sessionId?: string): Promise<void> {
  const projects = join(home, ".claude", "projects");
  mkdirSync(projects, { recursive: true });
  return new Promise((resolve) => {
    const check = (): void => {
      if (!claudeTranscriptHolds(home, text, sessionId)) return;
      watcher.close();
      resolve();
    };
    const watcher = watch(projects, { recursive: true }, check);
    check();
  });
}
