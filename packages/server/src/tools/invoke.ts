import { objectOf } from "../answers/schemas.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { InvokeOutput, recordedUsage, definedFields } from "@subagent-mcp/contract";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { gated, type InvokeResult } from "@subagent-mcp/core";
import { guard, ok } from "../answers/result.js";
import { describeRequest } from "@subagent-mcp/permissions";
import { permissionOut, receiptText, round } from "../answers/wire.js";
import { fitTurns, readOn, roomLeft } from "../answers/paging.js";
import type { TaskWork } from "@subagent-mcp/worktrees";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { delegate } from "../tasks/serve.js";
import { turnWork, type TurnRef } from "../tasks/turn-task.js";
import { acceptsForms } from "@subagent-mcp/mcp-transport";
import { escalatePoolTask, type PoolAttempt, type PoolOutcome } from "../pool/pool-escalation.js";
import { refuseHeldPoolAgent } from "../launch/held-agents.js";

// Where an isolated task's changes went, for the text.
function workLine(work: TaskWork | undefined): string {
  if (work === undefined) return "";
  if ("error" in work) return `\n[Its changes could not be kept apart: ${work.error}; they stay in the replica's worktree (subagent-mcp worktrees).]`;
  return `\n[Its changes (${work.changed_files} file(s)) are on branch ${work.branch}.]`;
}

export const InvokeInput = {
  agent: z.string().min(1).describe("Name of a pool agent (list_pool shows them)."),
  task: z.string().min(1).describe("The task; the agent starts it with a clean context."),
  timeout_s: z.number().positive().max(600).optional().describe("Deadline in seconds (default 45, max 600); past it the task goes on and wait reports it."),
};

/** `invoke`: runs a task on a warm replica of a named agent and returns its own result. */
export function registerInvokeTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "invoke",
    {
      title: "Invoke a pool agent",
      description:
        "Run a task on a named, warm agent from the pool (defined in .claude/agents or .subagent-mcp/agents). Tasks queue FIFO across the agent's replicas; each starts with a clean context. Returns the result, or at timeout_s status running with an agent_id for wait; a task that asks permission returns at once with permission_requests (answer with respond_permission).",
      inputSchema: objectOf(InvokeInput),
      outputSchema: objectOf(InvokeOutput),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) =>
      guard(() =>
        gated(deps.gate, async () => {
          const catalog = await deps.pool();
          const definition = catalog.startable(args.agent);
          const runtime = await deps.runtime();
          const { supervisor } = runtime;
          await runtime.budgets?.check();
          // The task's turn is reserved under the spend caps, bound to the replica that starts it, given back if none does.
          const reserved = await refuseHeldPoolAgent(deps, runtime, definition, true);
          let started = false;
          const start = (agentId: string): void => {
            started = true;
            reserved?.for(agentId);
          };
          const unstarted = (): void => {
            if (!started) reserved?.release();
          };
          // A host that takes tasks gets one at once, completed with the same answer when the task ends.
          let ref: TurnRef | undefined;
          const queued = `Task for pool agent ${args.agent} queued (FIFO across its replicas).`;
          const taken = delegate(deps, extra, `invoke-${args.agent}-${++invocations}`, queued, () => ({
            run: async (control) => {
              const out = await unstartedGivenBack(unstarted, () =>
                catalog.pool.invoke(args.agent, args.task, TASK_DEADLINE_MS, (agentId, turn) => {
                  start(agentId);
                  ref = { agentId, turn };
                  control.status(`Running on ${agentId}; steer it by that agent_id.`);
                }),
              );
              // Detached (it asks permission): the task goes on until its turn ends.
              if (out.status === "running")
                return turnWork(deps, runtime, () => Promise.resolve(ref ?? { agentId: out.agentId, turn: 1 }), acceptsForms(extra._meta)).run(control);
              const settled = await escalatePoolTask(deps, runtime, catalog, args.agent, args.task, out, {
                timeoutMs: TASK_DEADLINE_MS,
                signal: control.signal,
                launched: (agentId) => {
                  ref = { agentId, turn: 1 };
                  control.status(`Escalated to ${agentId}; steer it by that agent_id.`);
                },
              });
              // The stronger agent asks permission (or outlived the deadline): its turn ends the task.
              if (settled.status === "running")
                return turnWork(deps, runtime, () => Promise.resolve({ agentId: settled.agentId, turn: 1 }), acceptsForms(extra._meta)).run(control);
              return invokeAnswer(deps, settled.out, settled);
            },
            cancel: async () => {
              if (ref !== undefined) await supervisor.interrupt(ref.agentId).catch(() => undefined);
            },
          }));
          // Never sent: the SDK checks a handler's result, and the task goes out in its place.
          if (taken) return ok({ status: "running", agent_id: "", replica: 0 }, queued);
          const deadline = Date.now() + (args.timeout_s ?? 45) * 1000;
          const out = await unstartedGivenBack(unstarted, () => catalog.pool.invoke(args.agent, args.task, deadline - Date.now(), start));
          if (out.status === "running") {
            const { permissions } = supervisor.get(out.agentId);
            if (permissions.length > 0) {
              return ok(
                { status: "running", agent_id: out.agentId, replica: out.replica, permission_requests: permissions.map(permissionOut) },
                `The task on ${out.agentId} (replica ${out.replica}) asks permission: ${permissions.map((p) => `${p.request.requestId} ${describeRequest(p.request)}`).join("; ")}. Answer with respond_permission, then call wait with agent_ids ["${out.agentId}"].`,
              );
            }
            return ok(
              { status: "running", agent_id: out.agentId, replica: out.replica },
              `Still running on ${out.agentId} (replica ${out.replica}); call wait with agent_ids ["${out.agentId}"].`,
            );
          }
          const settled = await escalatePoolTask(deps, runtime, catalog, args.agent, args.task, out, {
            timeoutMs: deadline - Date.now(),
            signal: extra.signal,
          });
          return settled.status === "done" ? invokeAnswer(deps, settled.out, settled) : escalatedRunning(settled);
        }),
      ),
  );
}

// The stronger agent took the task over and is still at it (or asks permission): wait reports its answer.
function escalatedRunning(e: Extract<PoolOutcome, { status: "running" }>): CallToolResult {
  const asks = e.permissions.length > 0;
  return ok(
    {
      status: "running",
      agent_id: e.agentId,
      replica: e.replica,
      attempts: e.attempts,
      ...(asks ? { permission_requests: e.permissions.map(permissionOut) } : {}),
    },
    `${e.note} ${
      asks
        ? `It asks permission: ${e.permissions.map((p) => `${p.request.requestId} ${describeRequest(p.request)}`).join("; ")}. Answer with respond_permission, then call`
        : "Still running; call"
    } wait with agent_ids ["${e.agentId}"].`,
  );
}

// Runs a pool invocation, then gives back its reserved turn if no replica started it (refused, or past its deadline in the queue).
async function unstartedGivenBack<T>(unstarted: () => void, invoke: () => Promise<T>): Promise<T> {
  try {
    return await invoke();
  } finally {
    unstarted();
  }
}

/** How long a task taken as an MCP task may wait in the pool's queue before it is refused. */
const TASK_DEADLINE_MS = 15 * 60_000;

let invocations = 0;

// A finished task's answer: its result in the structured content and in the text, each copy half the room.
function invokeAnswer(deps: Pick<ToolDeps, "maxResultChars">, out: InvokeResult, escalation: { attempts?: PoolAttempt[]; note?: string } = {}): CallToolResult {
  const { attempts, note } = escalation;
  const answer = (result: string, more: { result_chars?: number }) => {
    const structured = {
      status: "done",
      agent_id: out.agentId,
      replica: out.replica,
      result,
      ...more,
      is_error: out.isError,
      usage: recordedUsage(out.usage),
      ...(out.costUsd === undefined ? {} : { cost_usd: round(out.costUsd) }),
      duration_ms: Math.round(out.durationMs),
      ...(out.work === undefined ? {} : { work: out.work as TaskWork }),
      ...definedFields({ receipt: out.receipt, attempts }),
    };
    const receipt = receiptText(out.receipt);
    return ok(
      structured,
      `${receipt.before}${out.isError ? "Failed: " : ""}${result}${receipt.after}${more.result_chars === undefined ? "" : `\n[${readOn({ agent_id: out.agentId, result, ...more })}]`}${workLine(out.work as TaskWork | undefined)}${note === undefined ? "" : `\n${note}`}`,
    );
  };
  const [fitted] = fitTurns<{ agent_id: string; result: string; result_chars?: number }>(
    [{ agent_id: out.agentId, result: out.result }],
    roomLeft(deps.maxResultChars, answer("", { result_chars: out.result.length })) - 200,
    2,
  );
  return answer(fitted?.result ?? "", fitted?.result_chars === undefined ? {} : { result_chars: fitted.result_chars });
}
