import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { BoardEvent, WaitResult as WaitToolResult, WorktreeOut } from "@subagent-mcp/contract";
import type { Supervisor, WaitResult } from "@subagent-mcp/core";
import type { ToolDeps } from "../deps.js";
import type { Runtime } from "../runtime/runtime.js";
import { describeWorktree } from "../launch/worktree-view.js";
import { quoted } from "./agent-text.js";
import { madeToSchema, ok } from "./result.js";
import { finishedOut, mcpFailedText, permissionOut, receiptText } from "./wire.js";
import { fitTurns, readOn, roomLeft } from "./paging.js";

/**
 * What `wait` answers for what it waited for: each finished turn (with its worktree and budget
 * news), the permission requests, the agents still running, within the result cap. A delegation
 * task completes with the same answer for its one turn.
 */
export async function waitAnswer(
  deps: Pick<ToolDeps, "maxResultChars">,
  runtime: Pick<Runtime, "supervisor" | "worktrees">,
  result: WaitResult,
  waiting: { messages_waiting?: number; board?: BoardEvent[] } = {},
): Promise<CallToolResult> {
  const { supervisor } = runtime;
  const whole = (await withWorktrees(runtime, result.finished.map(finishedOut))).map((f) => ({ ...f, ...budgetNoteOf(supervisor, f.agent_id) }));
  const asks = result.permissionRequests.map((p) => ({ agent_id: p.agentId, ...permissionOut(p) }));
  const text = [
    // The agent's words (a command it asks to run, its result) are quoted: no line of them can pass for one of ours.
    ...asks.map((p) => `${p.agent_id} asks permission (request ${p.request_id}): ${quoted(p.summary)}; answer with respond_permission.`),
    ...whole.map((f) => {
      const receipt = receiptText(f.receipt);
      return `${f.agent_id} turn ${f.turn} ${f.is_error ? "failed" : "finished"}: ${receipt.before}${quoted(f.result.slice(0, 300))}${receipt.after}${f.worktree === undefined ? "" : ` [${describeWorktree(f.worktree)}]`}${f.budget_note === undefined ? "" : ` [${f.budget_note}]`}${mcpFailedText(mcpFailedOf(supervisor, f.agent_id))}`;
    }),
    result.stillRunning.length > 0 ? `Still running: ${result.stillRunning.join(", ")}${result.timedOut ? " (deadline reached; call wait again)" : ""}` : "",
    // Each request is reported once; an agent still waiting on one is named on every wait.
    ...blocked(supervisor, result.stillRunning),
  ].filter(Boolean);
  for (const b of waiting.board ?? [])
    text.push(
      `Board "${b.board}": ${b.kind.replace("_", " ")}${b.keys.length > 0 ? ` ${b.keys.join(", ")}` : ""}${b.detail === undefined ? "" : ` (${quoted(b.detail)})`}.`,
    );
  if (waiting.messages_waiting !== undefined) text.push(`${waiting.messages_waiting} message(s) in your inbox: read them with inbox.`);
  // Typed as the output schema, so the SDK need not parse the result against it again (see madeToSchema).
  const out = (finished: typeof whole, lines: string[]) =>
    madeToSchema(
      ok(
        {
          finished,
          still_running: result.stillRunning,
          timed_out: result.timedOut,
          ...waiting,
          ...(asks.length === 0 ? {} : { permission_requests: asks }),
        } satisfies WaitToolResult,
        lines.join("\n") || "No new results.",
      ),
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
}

// The running agents that wait for an answer to a permission request, named on every wait.
function blocked(supervisor: Supervisor, running: string[]): string[] {
  const waiting = running.map((id) => supervisor.get(id)).filter((v) => v.status === "permission_requested");
  if (waiting.length === 0) return [];
  const named = waiting.map((v) => `${v.id} (${v.permissions.map((p) => p.request.requestId).join(", ")})`).join(", ");
  return [`Waiting for respond_permission: ${named}; poll_agent shows the requests.`];
}

// Each finished turn of an isolated agent carries its worktree as of now (read again, or as released;
// on another machine, as its node reported it with the turn's end).
async function withWorktrees<T extends { agent_id: string }>(
  { supervisor, worktrees }: Pick<Runtime, "supervisor" | "worktrees">,
  finished: T[],
): Promise<(T & { worktree?: WorktreeOut })[]> {
  return Promise.all(
    finished.map(async (f) => {
      const worktree = (await worktrees.fresh(f.agent_id)) ?? supervisor.get(f.agent_id).remoteWorktree;
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

// The MCP servers it was given that did not start (said with each of its finished turns: it works without them).
function mcpFailedOf(supervisor: Supervisor, agentId: string): { server: string; error: string }[] | undefined {
  try {
    return supervisor.get(agentId).mcpFailed;
  } catch {
    return undefined; // freed meanwhile
  }
}
