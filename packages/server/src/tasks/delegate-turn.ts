import type { Runtime } from "../runtime/runtime.js";
import type { ToolDeps } from "../deps.js";
import { delegate, type CallContext } from "./serve.js";
import { turnWork, type TurnRef } from "./turn-task.js";
import { acceptsForms } from "@subagent-mcp/mcp-transport";

/**
 * Makes the call a task that completes with `turn`'s answer, when the host takes tasks. The task's
 * id names the agent and the turn, since that id is all the host's model is shown of the call; its
 * status message says how to steer the agent meanwhile. False: the call answers as always.
 */
export function delegateTurn(deps: ToolDeps, runtime: Runtime, call: CallContext, ref: TurnRef, said: string): boolean {
  return delegate(deps, call, taskIdOf(ref), `${said} Its answer comes back when turn ${ref.turn} ends; meanwhile steer it by agent_id ${ref.agentId}.`, () =>
    turnWork(deps, runtime, () => Promise.resolve(ref), acceptsForms(call._meta)),
  );
}

/** A task's id: the agent and its turn (unique in a server's life: an agent's turns only grow). */
export function taskIdOf(ref: TurnRef): string {
  return `${ref.agentId}-turn-${ref.turn}`;
}
