// What a Codex thread is started with and what its items and totals mean to us: the sandbox for a
// permission mode, Codex's own sub-agents switched off, its MCP servers up before its first turn,
// a turn's usage from the thread's running totals, and the files a change names.
import { isAbsolute, relative, resolve as resolvePath, sep } from "node:path";
import { z } from "zod";
import { FileChangeWire } from "./codex-permission.js";
import type { CodexTokens } from "./codex-wire.js";
import type { RpcPeer } from "../process/jsonrpc.js";
import type { AgentEvent } from "@subagent-mcp/core";
import type { Usage } from "@subagent-mcp/contract";

/**
 * Codex's own sub-agents (spawn_agent and the rest of its multi-agent tools) are switched off in
 * every thread: their children would run outside our supervision, limits and cleanup.
 */
export const NO_NATIVE_SUBAGENTS = { "features.multi_agent": false, "features.multi_agent_v2": false };

// Codex reports running thread totals; a turn's usage is the difference across it.
export function usageBetween(before: CodexTokens | undefined, after: CodexTokens | undefined): Usage {
  const d = (key: keyof CodexTokens): number => Math.max(0, (after?.[key] ?? 0) - (before?.[key] ?? 0));
  return { input: d("inputTokens"), output: d("outputTokens"), cacheRead: d("cachedInputTokens"), cacheWrite: d("cacheWriteInputTokens") };
}

// True when `path` (relative paths are taken from `root`) lies inside `root`.
export function inside(root: string, path: string): boolean {
  const rel = relative(resolvePath(root), resolvePath(root, path));
  return rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

export function fileChanges(raw: unknown): z.infer<typeof FileChangeWire>[] {
  const parsed = z.array(FileChangeWire).safeParse(raw);
  return parsed.success ? parsed.data : [];
}

// A page of `mcpServerStatus/list`: only whether another page follows matters here.
const McpList = z.object({ nextCursor: z.string().nullish() });
const MAX_PAGES = 100;

/**
 * Resolves once the thread's MCP servers (ours and the user's) are up or given up on, or after
 * `boundMs`. app-server starts them in the background and runs a turn with the tools of those
 * ready by then: a first turn sent at once went without a server that took over a second (a busy
 * machine, a cold npx). app-server answers a listing of the thread's servers only once their
 * startup is over; Codex bounds it by each server's startup_timeout_sec.
 * A Codex without this method, or one that never answers, gets its first turn anyway.
 */
export async function mcpServersStarted(rpc: RpcPeer, threadId: string, boundMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, boundMs);
  });
  // At most MAX_PAGES pages, and never the same cursor twice: a CLI's answers cannot keep this going.
  const listed = async (): Promise<void> => {
    const seen = new Set<string>();
    let cursor: string | null | undefined;
    do {
      const page = McpList.parse(await rpc.request("mcpServerStatus/list", { threadId, detail: "toolsAndAuthOnly", cursor }));
      cursor = page.nextCursor;
      if (typeof cursor === "string" && (seen.has(cursor) || seen.size >= MAX_PAGES)) return;
      if (typeof cursor === "string") seen.add(cursor);
    } while (typeof cursor === "string");
  };
  await Promise.race([listed().catch(() => undefined), bound]);
  clearTimeout(timer);
}

/** An MCP server's startup status as Codex tells it (`mcpServer/startupStatus/updated`), as ours. */
export function codexMcpStatus(note: { name: string; status: string; error?: string | null }): AgentEvent | undefined {
  const server = note.name;
  switch (note.status) {
    case "starting":
      return { type: "mcp_status", server, status: "pending" };
    case "ready":
      return { type: "mcp_status", server, status: "connected" };
    case "failed":
    case "cancelled":
      return { type: "mcp_status", server, status: "failed", error: note.error ?? `startup ${note.status}` };
    default:
      return undefined;
  }
}
