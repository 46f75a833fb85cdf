import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WaitOutput, type BoardEvent } from "@subagent-mcp/contract";
import { isRunning } from "@subagent-mcp/core";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";
import { waitAnswer } from "../answers/wait-answer.js";
import { AgentIdSchema, objectOf } from "../answers/schemas.js";

export const WaitInput = {
  agent_ids: z.array(AgentIdSchema).optional().describe("Agents to wait on (default: every agent with an unreported finished turn or still running)."),
  mode: z.enum(["any", "all"]).optional().describe("any (default): return at the first finished turn; all: when every agent is done."),
  timeout_s: z.number().positive().max(600).optional().describe("Deadline in seconds (default 45, max 600); call wait again to keep waiting."),
};

/**
 * `wait`: blocks, event-driven, until sub-agent turns finish or the deadline passes. Each finished
 * turn is reported exactly once. While it blocks it sends progress notifications when asked to.
 */
export function registerWaitTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "wait",
    {
      title: "Wait for sub-agents",
      description:
        "Block until sub-agent turns finish (mode any or all) or timeout_s passes (default 45 s, below host tool timeouts). Returns each finished turn once with its result, plus the agents still running; call again to keep waiting. Returns early, in either mode, with permission_requests when a sub-agent asks permission for a tool use: answer each with respond_permission.",
      inputSchema: objectOf(WaitInput),
      outputSchema: objectOf(WaitOutput),
      annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) =>
      guard(async () => {
        const runtime = await deps.runtime();
        const { supervisor } = runtime;
        const { messaging } = deps;
        const ids = args.agent_ids ?? supervisor.waitable();
        // The orchestrator's boards: what changed there ends a wait too, and is reported once.
        const team = deps.launchedBy === undefined ? deps.team : undefined;
        const boardNews = (): { board?: BoardEvent[] } => {
          const news = team?.events.take() ?? [];
          return news.length > 0 ? { board: news } : {};
        };
        // A count the store cannot give (out of reach) is left out rather than failing the wait.
        const mail = async (): Promise<{ messages_waiting?: number }> => {
          const n = messaging === undefined ? 0 : await messaging.mail.pending(messaging.self).catch(() => 0);
          return n > 0 ? { messages_waiting: n } : {};
        };
        // No agent to wait on while a team is at work: its boards' news ends the wait.
        if (ids.length === 0 && team?.active() === true)
          await team.events.next(AbortSignal.any([extra.signal, AbortSignal.timeout((args.timeout_s ?? 45) * 1000)]));
        if (ids.length === 0)
          return ok(
            { finished: [], still_running: [], timed_out: false, ...(await mail()), ...boardNews() },
            "Nothing to wait for: no agent is running or has an unreported result.",
          );
        const timeoutMs = (args.timeout_s ?? 45) * 1000;
        const token = extra._meta?.progressToken;
        const started = Date.now();
        const timer =
          token === undefined
            ? undefined
            : setInterval(() => {
                const running = ids.filter((id) => isRunning(supervisor.get(id).status)).length;
                void extra
                  .sendNotification({
                    method: "notifications/progress",
                    params: { progressToken: token, progress: Date.now() - started, total: timeoutMs, message: `waiting on ${running} running agent(s)` },
                  })
                  .catch(() => undefined);
              }, deps.progressEveryMs);
        // A message to this agent ends the wait too: the orchestrator should read it (a question from a sub-agent).
        const stop = new AbortController();
        const onAbort = (): void => {
          stop.abort();
        };
        extra.signal.addEventListener("abort", onAbort, { once: true });
        // Most waits find a turn already finished: the inbox is watched (a scan and a watch of each
        // mailbox, or a store round trip) only once the wait outlasts this turn of the event loop.
        // Its first look still finds a message that arrived before.
        const inbox = setImmediate(() => {
          void messaging?.mail
            .wait(messaging.self, timeoutMs, stop.signal)
            .then((arrived) => {
              if (arrived) stop.abort();
            })
            // The store out of reach: the wait goes on for the agents alone.
            .catch(() => undefined);
        });
        void team?.events.next(stop.signal).then(onAbort);
        try {
          const result = await supervisor.wait({ ids, mode: args.mode ?? "any", timeoutMs, signal: stop.signal });
          clearImmediate(inbox);
          stop.abort();
          const waiting = await mail();
          return await waitAnswer(deps, runtime, result, { ...waiting, ...boardNews() });
        } finally {
          clearImmediate(inbox);
          extra.signal.removeEventListener("abort", onAbort);
          if (timer !== undefined) clearInterval(timer);
        }
      }),
  );
}
