import { readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Gemini CLI (0.61.0 and earlier) records the session it is asked to `session/load` as a new one
 * before it looks it up, in `session-<UTC minute>-<first 8 of the id>.jsonl`. When that minute is
 * the one the session was created in, the new record lands in the session's own file and buries
 * its history: the load fails ("No previous sessions found for this project") and the
 * conversation is lost for good. This resolves once no conversation file of the current minute
 * has that name, waiting for the next minute when one does (at most about a minute, once). A file
 * without messages of its own (what an earlier load left) is no loss and no reason to wait.
 */
export async function untilGeminiCanLoad(sessionId: string, env: Record<string, string | undefined>): Promise<void> {
  const root = join(env.GEMINI_CLI_HOME ?? env.HOME ?? homedir(), ".gemini", "tmp");
  for (;;) {
    const now = new Date();
    const name = `session-${now.toISOString().slice(0, 16).replace(/:/g, "-")}-${sessionId.slice(0, 8)}.jsonl`;
    if (!projectDirs(root).some((dir) => holdsMessages(join(root, dir, "chats", name)))) return;
    await new Promise((resolve) => setTimeout(resolve, 60_000 - (now.getTime() % 60_000) + 100));
  }
}

function projectDirs(root: string): string[] {
  try {
    return readdirSync(root);
  } catch {
    return [];
  }
}

// Whether a session file records messages of its own (lines with an id and a type), not only headers.
function holdsMessages(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return false;
  }
  return text.split("\n").some((line) => {
    try {
      const record = JSON.parse(line) as unknown;
      if (typeof record !== "object" || record === null) return false;
      if ("id" in record && "type" in record) return true;
      // A rewritten file keeps its messages in one $set; what a load leaves has only the session context.
      const set = "$set" in record ? (record.$set as { messages?: unknown }) : undefined;
      return Array.isArray(set?.messages) && set.messages.length > 1;
    } catch {
      return false;
    }
  });
}
