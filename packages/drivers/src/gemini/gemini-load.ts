import { readdirSync, readFileSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

type Env = Record<string, string | undefined>;

/**
 * Gemini CLI (0.61.0 and earlier) records the session it is asked to `session/load` as a new one
 * before it looks it up, in `session-<UTC minute>-<first 8 of the id>.jsonl`. When that minute is
 * the one the session was created in, the new record lands in the session's own file and buries
 * its history: the load fails ("No previous sessions found for this project") and the
 * conversation is lost for good. This resolves once no conversation file of the current minute
 * has that name, waiting for the next minute when one does (at most about a minute, once). A file
 * a load left behind (see removeGeminiLoadLeftovers) is no loss and no reason to wait.
 */
export async function untilGeminiCanLoad(sessionId: string, env: Env): Promise<void> {
  for (;;) {
    const now = new Date();
    const name = `session-${now.toISOString().slice(0, 16).replace(/:/g, "-")}-${sessionId.slice(0, 8)}.jsonl`;
    if (!chatDirs(env).some((dir) => holdsConversation(join(dir, name)))) return;
    await new Promise((resolve) => setTimeout(resolve, 60_000 - (now.getTime() % 60_000) + 100));
  }
}

/**
 * Deletes the files an earlier `session/load` of this session left behind: the new record it
 * started before looking the session up (see untilGeminiCanLoad) stays on disk, with the session's
 * id and no conversation. Every Gemini CLI process cleans up expired sessions as it starts
 * (`general.sessionRetention`, on by default), counts such a file as an unreadable session, and
 * deletes every file ending in the same 8-character id with it: the session's own file too. So
 * the second load of a session failed ("No previous sessions found for this project") and its
 * conversation was gone. Only files naming exactly this session and holding nothing but session
 * headers and Gemini CLI's own context are deleted; returns how many.
 */
export function removeGeminiLoadLeftovers(sessionId: string, env: Env): number {
  const suffixes = [`-${sessionId.slice(0, 8)}.jsonl`, `-${sessionId.slice(0, 8)}.json`];
  let removed = 0;
  for (const dir of chatDirs(env)) {
    for (const name of list(dir)) {
      if (!name.startsWith("session-") || !suffixes.some((s) => name.endsWith(s))) continue;
      const file = join(dir, name);
      if (!isLeftover(read(file), sessionId)) continue;
      try {
        unlinkSync(file);
        removed++;
      } catch {
        // gone already, or not ours to delete: the load reports what it finds
      }
    }
  }
  return removed;
}

// Every project's chats directory under Gemini CLI's home (GEMINI_CLI_HOME, else HOME).
function chatDirs(env: Env): string[] {
  const root = join(env.GEMINI_CLI_HOME || env.HOME || homedir(), ".gemini", "tmp");
  return list(root).map((project) => join(root, project, "chats"));
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

// Whether a session file records a conversation (anything but what a load leaves behind).
function holdsConversation(file: string): boolean {
  const text = read(file);
  return text !== undefined && !isLeftover(text);
}

/*
 * What a load leaves: session headers ({sessionId, projectHash, startTime, ...}) and `$set`s whose
 * messages are only Gemini CLI's own context. Anything else (a message record, a rewind, a line
 * that does not parse, another session's header) counts as conversation and is kept.
 */
function isLeftover(text: string | undefined, sessionId?: string): boolean {
  if (text === undefined) return false;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let record: Record<string, unknown>;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return false;
      record = parsed as Record<string, unknown>;
    } catch {
      return false;
    }
    if ("id" in record || "$rewindTo" in record) return false;
    if ("$set" in record) {
      const set = record.$set as { messages?: unknown; sessionId?: unknown } | null;
      if (typeof set !== "object" || set === null) return false;
      if (set.sessionId !== undefined && sessionId !== undefined && set.sessionId !== sessionId) return false;
      if (set.messages !== undefined && !(Array.isArray(set.messages) && set.messages.every(isOwnContext))) return false;
      continue;
    }
    if (typeof record.sessionId !== "string" || (sessionId !== undefined && record.sessionId !== sessionId)) return false;
  }
  return true;
}

// A user message carrying only Gemini CLI's own context (what it never resumes by itself).
function isOwnContext(message: unknown): boolean {
  if (typeof message !== "object" || message === null) return false;
  const { type, content } = message as { type?: unknown; content?: unknown };
  if (type !== "user") return false;
  const parts: unknown[] = Array.isArray(content) ? (content as unknown[]) : [content];
  const text = parts.map(partText).join("").trim();
  return text.startsWith("<session_context>") || text.startsWith("<hook_context>");
}

// A part's text; anything else (a file, an image) as a character no context starts with.
function partText(part: unknown): string {
  if (typeof part === "string") return part;
  const text = typeof part === "object" && part !== null ? (part as { text?: unknown }).text : undefined;
  return typeof text === "string" ? text : "\u0000";
}
