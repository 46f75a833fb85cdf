import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WaitOutput, type WorktreeOut } from "@subagent-mcp/contract";
import { isRunning, type Supervisor } from "@subagent-mcp/core";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "./result.js";
import { AgentIdSchema } from "./schemas.js";
import { finishedOut, permissionOut } from "./wire.js";
import { fitTurns, readOn, roomLeft } from "./_paging.js";
import { describeWorktree } from "../worktree-view.js";

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
      inputSchema: WaitInput,
      outputSchema: WaitOutput,
      annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) =>
      guard(async () => {
        const supervisor = await deps.supervisor();
        const { messaging } = deps;
        const ids = args.agent_ids ?? supervisor.waitable();
        // A count the store cannot give (out of reach) is left out rather than failing the wait.
        const mail = async (): Promise<{ messages_waiting?: number }> => {
          const n = messaging === undefined ? 0 : await messaging.mail.pending(messaging.self).catch(() => 0);
          return n > 0 ? { messages_waiting: n } : {};
        };
        if (ids.length === 0)
          return ok(
            { finished: [], still_running: [], timed_out: false, ...(await mail()) },
            "Nothing to wait for: no agent is running or has an unreported result.",
          );
        const timeoutMs = (args.timeout_s ?? 45) * 1000;
        const blocked = (running: string[]): string[] => {
          const waiting = running.map((id) => supervisor.get(id)).filter((v) => v.status === "permission_requested");
          if (waiting.length === 0) return [];
          const named = waiting.map((v) => `${v.id} (${v.permissions.map((p) => p.request.requestId).join(", ")})`).join(", ");
          return [`Waiting for respond_permission: ${named}; poll_agent shows the requests.`];
        };
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
        void messaging?.mail
          .wait(messaging.self, timeoutMs, stop.signal)
          .then((arrived) => {
            if (arrived) stop.abort();
          })
          // The store out of reach: the wait goes on for the agents alone.
          .catch(() => undefined);
        try {
          const result = await supervisor.wait({ ids, mode: args.mode ?? "any", timeoutMs, signal: stop.signal });
          stop.abort();
          const whole = (await withWorktrees(deps, result.finished.map(finishedOut))).map((f) => ({ ...f, ...budgetNoteOf(supervisor, f.agent_id) }));
          const asks = result.permissionRequests.map((p) => ({ agent_id: p.agentId, ...permissionOut(p) }));
          const text = [
            ...asks.map((p) => `${p.agent_id} asks permission (request ${p.request_id}): ${p.summary}; answer with respond_permission.`),
            ...whole.map(
              (f) =>
                `${f.agent_id} turn ${f.turn} ${f.is_error ? "failed" : "finished"}: ${f.result.slice(0, 300)}${f.worktree === undefined ? "" : ` [${describeWorktree(f.worktree)}]`}${f.budget_note === undefined ? "" : ` [${f.budget_note}]`}`,
            ),
            result.stillRunning.length > 0
              ? `Still running: ${result.stillRunning.join(", ")}${result.timedOut ? " (deadline reached; call wait again)" : ""}`
              : "",
            // Each request is reported once; an agent still waiting on one is named on every wait.
            ...blocked(result.stillRunning),
          ].filter(Boolean);
          const waiting = await mail();
          if (waiting.messages_waiting !== undefined) text.push(`${waiting.messages_waiting} message(s) in your inbox: read them with inbox.`);
          const out = (finished: typeof whole, lines: string[]) =>
            ok(
              {
                finished,
                still_running: result.stillRunning,
                timed_out: result.timedOut,
                ...waiting,
                ...(asks.length === 0 ? {} : { permission_requests: asks }),
              },
              lines.join("\n") || "No new results.",
            );
          // Long results share the room the cap leaves; each cut one says where to read on.
          const finished = fitTurns(
            whole,
            roomLeft(
              deps.maxResultChars,
              out(
                whole.map((f) => ({ ...f, result: "" })),
                text,
              ),
            ) -
              200 * whole.length,
          );
          return out(finished, [...text, ...finished.filter((f) => f.result_chars !== undefined).map((f) => `${f.agent_id} turn ${f.turn}: ${readOn(f)}.`)]);
        } finally {
          extra.signal.removeEventListener("abort", onAbort);
          if (timer !== undefined) clearInterval(timer);
        }
      }),
  );
}

// Each finished turn of an isolated agent carries its worktree as of now (read again, or as released).
async function withWorktrees<T extends { agent_id: string }>(deps: ToolDeps, finished: T[]): Promise<(T & { worktree?: WorktreeOut })[]> {
  const worktrees = deps.worktrees.made();
  if (worktrees === undefined) return finished;
  return Promise.all(
    finished.map(async (f) => {
      const worktree = await worktrees.fresh(f.agent_id);
      return worktree === undefined ? f : { ...f, worktree };
    }),
  );
}

// An agent's budget news for its finished turn: the limit it reached, else those past 80 %.
function budgetNoteOf(supervisor: Supervisor, agentId: string): { budget_note?: string } {
  let budget;
  try {
    budget = supervisor.get(agentId).budget;
  } catch {
    return {}; // freed meanwhile
  }
  if (budget === undefined) return {};
  if (budget.exceeded !== undefined) return { budget_note: `stopped at its budget: ${budget.exceeded}; send_message raise_budget to go on` };
  return budget.warnings.length === 0 ? {} : { budget_note: `near its budget: ${budget.warnings.join("; ")}` };
}
