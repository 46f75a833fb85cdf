import { isRunning, type AgentView, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import type { ToolDeps } from "../deps.js";
import { waitAnswer } from "../answers/wait-answer.js";
import type { Runtime } from "../runtime/runtime.js";
import type { TaskControl, TaskWork } from "@subagent-mcp/mcp-transport";
import { askPermission } from "./permission-form.js";
import { ServerError } from "../errors.js";

/** Where a delegation's turn is: its agent and the turn (1-based) that answers it. */
export interface TurnRef {
  agentId: string;
  turn: number;
}

/**
 * A task that completes when one turn of one agent ends, with what `wait` would have answered for
 * it (the turn is taken, so `wait` does not report it again). While it runs, the agent's
 * permission requests are put to the host as forms when it can show them (`forms`), and the
 * status message follows the agent. Cancelling the task interrupts the turn.
 */
export function turnWork(
  deps: Pick<ToolDeps, "maxResultChars">,
  runtime: Pick<Runtime, "supervisor" | "worktrees">,
  ref: () => Promise<TurnRef>,
  forms: boolean,
): TaskWork {
  let target: TurnRef | undefined;
  const { supervisor } = runtime;
  return {
    run: async (control) => {
      target = await ref();
      control.carries(target.agentId);
      const report = await turnEnd(supervisor, target, control, forms);
      const running = safeView(supervisor, target.agentId);
      return waitAnswer(deps, runtime, {
        finished: [report],
        permissionRequests: [],
        stillRunning: running !== undefined && isRunning(running.status) ? [target.agentId] : [],
        timedOut: false,
      });
    },
    cancel: async () => {
      if (target !== undefined) await supervisor.interrupt(target.agentId).catch(() => undefined);
    },
  };
}

// Resolves with the turn's report once it exists (taken from the unreported ones), following the
// agent's changes meanwhile. Event-driven: the supervisor tells of every turn end and status change.
function turnEnd(supervisor: Supervisor, target: TurnRef, control: TaskControl, forms: boolean): Promise<TurnReport> {
  const { agentId, turn } = target;
  return new Promise((resolve, reject) => {
    const stops: (() => void)[] = [];
    const done = (report: TurnReport | Error): void => {
      for (const stop of stops) stop();
      if (report instanceof Error) reject(report);
      else resolve(report);
    };
    const take = (): boolean => {
      // Cancelled: the interrupted turn stays for wait and poll_agent.
      if (control.signal.aborted) return false;
      const report = supervisor.takeReport(agentId, turn);
      if (report !== undefined) done(report);
      return report !== undefined;
    };
    const asking = new Set<string>();
    const follow = (view: AgentView): void => {
      control.status(statusLine(view, turn));
      if (!forms) return;
      if (view.status !== "permission_requested") {
        if (asking.size > 0) control.settle(statusLine(view, turn));
        asking.clear();
        return;
      }
      // One form at a time: the host answers the first pending request, then the next.
      const pending = view.permissions.find((p) => !asking.has(p.request.requestId));
      if (pending === undefined || asking.size > 0) return;
      asking.add(pending.request.requestId);
      void askPermission(control, view, pending).then(
        (decision) => {
          asking.delete(pending.request.requestId);
          if (decision === undefined) return;
          try {
            supervisor.respondPermission(agentId, pending.request.requestId, decision);
          } catch {
            // Answered meanwhile (respond_permission, a rule, the timeout): nothing left to do.
          }
        },
        () => asking.delete(pending.request.requestId),
      );
    };
    stops.push(
      supervisor.onTurn((report) => {
        // An escalated turn is nobody's answer: the stronger candidate's turn of the same number is.
        if (report.agentId !== agentId || report.turn !== turn || report.superseded !== undefined || control.signal.aborted) return;
        // The report as it ends: a wait the host called meanwhile may take it from the unreported ones first.
        supervisor.takeReport(agentId, turn);
        done(report);
      }),
      supervisor.onChange((change) => {
        if (change.agentId !== agentId || change.type !== "status") return;
        const view = safeView(supervisor, agentId);
        if (view === undefined) return;
        // Parked at a budget before this turn began (a follow-up held behind a turn that reached a spend cap): no answer will come.
        if (view.status === "budget_exceeded" && view.turns < turn && !take())
          done(new ServerError("TASK_ENDED", `${agentId} stopped at its budget before turn ${turn} began${view.note === undefined ? "" : `: ${view.note}`}`));
        else follow(view);
      }),
      supervisor.onEnd((view) => {
        if (view.id !== agentId || take()) return;
        // Ended without a report for this turn: the agent's own words on why.
        done(new ServerError("TASK_ENDED", `${agentId} ended (${view.status}) before turn ${turn} finished${view.note === undefined ? "" : `: ${view.note}`}`));
      }),
    );
    control.signal.addEventListener("abort", () => {
      done(new ServerError("TASK_ENDED", "the task was cancelled; the turn was interrupted (poll_agent shows what it did)"));
    });
    if (take()) return;
    const view = safeView(supervisor, agentId);
    if (view === undefined) done(new ServerError("TASK_ENDED", `${agentId} is gone: kill_agent or reset freed it before its turn could be read`));
    else follow(view);
  });
}

function statusLine(view: AgentView, turn: number): string {
  return `${view.id} (${view.provider}) is ${view.status.replace("_", " ")} on turn ${turn}; steer it with send_message, interrupt_agent or kill_agent (agent_id ${view.id})`;
}

function safeView(supervisor: Supervisor, agentId: string): AgentView | undefined {
  try {
    return supervisor.get(agentId);
  } catch {
    return undefined;
  }
}
