import { errorMessage } from "@subagent-mcp/errors";
// The dashboard's routes, once a request passed the guard.
import type { IncomingMessage, ServerResponse } from "node:http";
import { JournalError } from "@subagent-mcp/journal";
import { ActionSchema, runAction, type ActionDeps } from "./actions.js";
import { DashboardError, statusOf } from "./errors.js";
import { readJson, sendJson, sendText } from "./guard.js";
import type { PageHub } from "./page-streams.js";
import type { ServerLink } from "./link.js";
import { journalTranscript } from "./past.js";
import { receiptLines } from "./receipt-lines.js";
import { serveFile } from "./static.js";
import type { DashboardState, PastPage, Timeline } from "@subagent-mcp/contract";
import { stateLayout } from "@subagent-mcp/state";

/** What the routes need. */
export interface RouteDeps extends ActionDeps {
  uiDir: string;
  token: string;
  hub: PageHub;
  state(): Promise<DashboardState>;
  /** A page of past agents after `cursor` (the state holds the first). */
  pastPage(cursor: string | undefined, limit: number | undefined): Promise<PastPage>;
  /** The agent tree's timeline under `root` (default: the project's recent roots). */
  timeline(root: string | undefined): Timeline;
}

/** Pages of a live agent's transcript read at most, oldest turns first. */
const MAX_TRANSCRIPT_PAGES = 20;

/** Answers one request whose host, origin, token and content type were checked. */
export async function route(req: IncomingMessage, res: ServerResponse, url: URL, deps: RouteDeps): Promise<void> {
  const path = url.pathname;
  const get = req.method === "GET" || req.method === "HEAD";
  const head = req.method === "HEAD";
  const gzip = /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
  if (get && (path === "/" || path === "/index.html")) serveFile(res, deps.uiDir, "index.html", deps.token, head, gzip);
  else if (get && path.startsWith("/ui/")) serveFile(res, deps.uiDir, path.slice(4), deps.token, head, gzip);
  else if (get && path === "/api/state") sendJson(res, 200, await deps.state());
  else if (get && path === "/api/past")
    sendJson(res, 200, await deps.pastPage(url.searchParams.get("cursor") ?? undefined, Number(url.searchParams.get("limit") ?? "") || undefined));
  else if (get && path === "/api/events") deps.hub.add(res);
  else if (get && path === "/api/agent") await agent(res, url, deps);
  else if (get && path === "/api/timeline") timeline(res, url, deps);
  else if (req.method === "POST" && path === "/api/action") await action(req, res, deps);
  else sendText(res, 404, "not found");
}

function failure(res: ServerResponse, error: unknown): void {
  if (error instanceof DashboardError) sendJson(res, statusOf(error.code), { ok: false, error: { code: error.code, message: error.message } });
  else sendJson(res, 500, { ok: false, error: { code: "INTERNAL", message: errorMessage(error) } });
}

async function action(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const parsed = ActionSchema.safeParse(await readJson(req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    failure(res, new DashboardError("BAD_REQUEST", `bad action: ${issue === undefined ? "not JSON" : `${issue.path.join(".") || "body"} ${issue.message}`}`));
    return;
  }
  try {
    const result = await runAction(parsed.data, deps);
    sendJson(res, 200, { ok: true, result });
  } catch (error) {
    failure(res, error);
  } finally {
    deps.hub.changed();
  }
}

function timeline(res: ServerResponse, url: URL, deps: RouteDeps): void {
  const root = url.searchParams.get("root") ?? "";
  try {
    sendJson(res, 200, deps.timeline(root === "" ? undefined : root));
  } catch (error) {
    failure(res, error);
  }
}

// A live agent: its server's poll_agent and transcript; otherwise (or if that server no longer holds it) the journal's transcript.
async function agent(res: ServerResponse, url: URL, deps: RouteDeps): Promise<void> {
  const id = url.searchParams.get("id") ?? "";
  const pid = Number(url.searchParams.get("server") ?? "");
  try {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw new DashboardError("BAD_REQUEST", "which agent? (id)");
    deps.servers.sync();
    const link = Number.isInteger(pid) && pid > 0 ? deps.servers.get(pid) : undefined;
    if (link !== undefined) {
      const live = await livePair(link, id);
      if (live !== undefined) {
        sendJson(res, 200, { ...live, receipt_lines: receiptLines(live.transcript, live.poll) });
        return;
      }
    }
    // A past transcript is paged from its newest turns: `before_turn` (its `earlier_turn`) reads the page before.
    const before = Number(url.searchParams.get("before_turn") ?? "");
    try {
      const page = journalTranscript(stateLayout(deps.stateDir).agents, id, Number.isInteger(before) && before > 1 ? before : undefined);
      sendJson(res, 200, { poll: null, transcript: page, receipt_lines: receiptLines(page) });
    } catch (error) {
      if (error instanceof JournalError) throw new DashboardError("NOT_FOUND", `no agent ${id} in a live server or in the journal`);
      throw error;
    }
  } catch (error) {
    failure(res, error);
  }
}

// poll_agent and every page of transcript; undefined when the server does not know the agent.
async function livePair(link: ServerLink, id: string): Promise<{ poll: unknown; transcript: unknown } | undefined> {
  let poll: Record<string, unknown>;
  try {
    poll = await link.call("poll_agent", { agent_id: id, tail_chars: 8000 });
  } catch (error) {
    if (error instanceof DashboardError && error.code === "TOOL_ERROR") return undefined;
    throw error;
  }
  let transcript: Record<string, unknown> | undefined;
  let from: number | undefined = 1;
  for (let page = 0; page < MAX_TRANSCRIPT_PAGES && from !== undefined; page++) {
    const next: Record<string, unknown> | undefined = await link.call("transcript", { agent_id: id, from_turn: from }).catch((error: unknown) => {
      // No journal (SUBAGENT_MCP_JOURNAL=0): the poll alone.
      if (error instanceof DashboardError && error.code === "TOOL_ERROR") return undefined;
      throw error;
    });
    if (next === undefined) break;
    transcript = transcript === undefined ? next : { ...next, turns: [...(transcript.turns as unknown[]), ...(next.turns as unknown[])] };
    from = typeof next.next_turn === "number" && next.next_turn > from ? next.next_turn : undefined;
  }
  if (transcript !== undefined) delete transcript.next_turn;
  return { poll, transcript: transcript ?? null };
}
