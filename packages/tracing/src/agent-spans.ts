// The spans of a supervisor's agents, made from what it tells (changes, turn reports, ends, permission
// outcomes): one span per agent's life, one per turn, and the waits inside them. Nothing here runs
// while tracing is off: the server and the worker make an AgentSpans only when the tracer is on.
import { poolOf, type AgentChange, type AgentView, type LaunchRequest, type PermissionEvent, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import type { SpanHandle, Tracer } from "./api.js";
import { OTEL_ENV, TRACEPARENT_ENV, otelSettings } from "./env.js";
import { definedFields } from "@subagent-mcp/contract";

/** What a session started for an agent carries of its trace (see SupervisorOptions.traceOf). */
export interface SessionTrace {
  /** The agent's life span's traceparent: its CLI and the subagent-mcp server its CLI starts continue it. */
  traceparent: string;
  /** Variables for the CLI's environment (the nested server's parent). */
  env: Record<string, string>;
}

interface Live {
  readonly life: SpanHandle;
  readonly provider: string;
  /** Turns sent and not yet reported, in order; the first runs (its span is `turn`). */
  readonly waiting: number[];
  turn?: { number: number; span: SpanHandle };
  queue?: SpanHandle;
  budget?: SpanHandle;
  /** Permission waits by request id. */
  readonly asks: Map<string, SpanHandle>;
  attempts: number;
  model: string | undefined;
  /** A pool replica's pool: its turns are the pool's tasks. */
  readonly pool: string | undefined;
}

export class AgentSpans {
  readonly #live = new Map<string, Live>();
  #supervisor: Supervisor | undefined;

  /** Our OTEL_* settings, passed down to the servers under our agents. */
  readonly #settings = otelSettings(process.env);

  constructor(private readonly tracer: Tracer) {}

  /** The life span of agent `agentId` while it lives, for work done for it outside a tool call (its worktree). */
  lifeOf(agentId: string): SpanHandle | undefined {
    return this.#live.get(agentId)?.life;
  }

  /** Follows `supervisor`'s agents from now on. */
  attach(supervisor: Supervisor): void {
    this.#supervisor = supervisor;
    supervisor.onChange((change) => {
      this.#change(change);
    });
    supervisor.onTurn((report) => {
      this.#turn(report);
    });
    supervisor.onEnd((view) => {
      this.#end(view);
    });
  }

  /** For SupervisorOptions.traceOf: the trace a starting session continues. */
  readonly sessionTrace = (agentId: string): SessionTrace | undefined => {
    const live = this.#live.get(agentId);
    if (live === undefined) return undefined;
    return { traceparent: live.life.traceparent, env: { [TRACEPARENT_ENV]: live.life.traceparent, [OTEL_ENV]: this.#settings } };
  };

  /** For SupervisorOptions.onPermission: a permission wait ends with its answer, and who gave it. */
  readonly permission = (event: PermissionEvent): void => {
    const live = this.#live.get(event.agentId);
    if (live === undefined) return;
    if (event.decision === "ask") return;
    const attributes = {
      "subagent_mcp.permission.decision": event.decision,
      "subagent_mcp.permission.by": event.by,
      "subagent_mcp.permission.rule": event.rule,
      "subagent_mcp.permission.reason": event.reason,
    };
    const wait = live.asks.get(event.request.requestId);
    if (wait === undefined) {
      // Answered at once by a rule: a point on the turn, not a wait.
      (live.turn?.span ?? live.life).event("permission", { ...attributes, "gen_ai.tool.name": event.request.tool });
      return;
    }
    live.asks.delete(event.request.requestId);
    wait.set(attributes);
    wait.end();
  };

  #change(change: AgentChange): void {
    switch (change.type) {
      case "launched":
        this.#launched(change.agentId, change.request, change.at);
        return;
      case "sent": {
        const live = this.#live.get(change.agentId);
        if (live === undefined) return;
        live.waiting.push(change.turn);
        if (live.turn === undefined && live.queue === undefined) this.#startTurn(change.agentId, live, change.at);
        return;
      }
      case "event":
        this.#event(change.agentId, change.event, change.at);
        return;
      case "status":
        this.#status(change.agentId, change.status, change.note, change.at);
        return;
    }
  }

  #launched(agentId: string, request: LaunchRequest, at: number): void {
    // A resumed or failed-over agent keeps one life span; a new launch of the same id starts another.
    this.#live.get(agentId)?.life.end(at);
    const life = this.tracer.start(`invoke_agent ${request.provider}`, {
      ...definedFields({ parent: request.calledIn }),
      at,
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.provider.name": request.provider,
        "gen_ai.request.model": request.model,
        "gen_ai.agent.id": agentId,
        "gen_ai.agent.name": request.label,
        "subagent_mcp.agent.id": agentId,
        "subagent_mcp.cwd": request.cwd,
        "subagent_mcp.effort": request.effort,
        "subagent_mcp.machine": request.placement?.machine,
        "subagent_mcp.permission_mode": request.permissionMode,
      },
    });
    const pool = poolOf(request.label)?.pool;
    if (pool !== undefined) life.set({ "subagent_mcp.pool": pool });
    const live: Live = { life, provider: request.provider, waiting: [], asks: new Map(), attempts: 0, model: request.model, pool };
    this.#live.set(agentId, live);
    // Launched behind its provider's cap: it waits in the queue before its first turn runs.
    if (this.#statusOf(agentId) === "queued")
      live.queue = this.tracer.start("queue_wait", { parent: life, at, attributes: { "subagent_mcp.agent.id": agentId } });
  }

  #startTurn(agentId: string, live: Live, at: number): void {
    const number = live.waiting[0];
    if (number === undefined) return;
    const span = this.tracer.start(turnName(live), {
      parent: live.life,
      at,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": live.provider,
        "gen_ai.request.model": live.model,
        "gen_ai.agent.id": agentId,
        "subagent_mcp.agent.id": agentId,
        "subagent_mcp.turn": number,
      },
    });
    live.turn = { number, span };
  }

  #event(agentId: string, event: Extract<AgentChange, { type: "event" }>["event"], at: number): void {
    const live = this.#live.get(agentId);
    if (live === undefined) return;
    if (event.type === "started") {
      live.model = event.model;
      live.life.set({ "gen_ai.conversation.id": event.sessionId, "gen_ai.response.model": event.model });
    } else if (event.type === "permission_request") {
      live.asks.set(
        event.request.requestId,
        this.tracer.start(`permission_wait ${event.request.tool}`, {
          parent: live.turn?.span ?? live.life,
          at,
          attributes: {
            "gen_ai.tool.name": event.request.tool,
            "subagent_mcp.agent.id": agentId,
            "subagent_mcp.permission.request_id": event.request.requestId,
          },
        }),
      );
    } else if (event.type === "permission_withdrawn") {
      const wait = live.asks.get(event.requestId);
      live.asks.delete(event.requestId);
      wait?.set({ "subagent_mcp.permission.decision": "withdrawn" });
      wait?.end(at);
    } else if (event.type === "tool") {
      (live.turn?.span ?? live.life).event("tool", { "gen_ai.tool.name": event.name }, at);
    } else if (event.type === "error") {
      (live.turn?.span ?? live.life).event("error", { message: event.message, transient: event.transient }, at);
    }
  }

  #status(agentId: string, status: string, note: string | undefined, at: number): void {
    const live = this.#live.get(agentId);
    if (live === undefined) return;
    this.#failedOver(agentId, live, at);
    if (status === "queued") live.queue ??= this.tracer.start("queue_wait", { parent: live.life, at, attributes: { "subagent_mcp.agent.id": agentId } });
    else if (live.queue !== undefined) {
      live.queue.end(at);
      live.queue = undefined;
      if (live.turn === undefined) this.#startTurn(agentId, live, at);
    }
    if (status === "budget_exceeded") {
      live.budget ??= this.tracer.start("budget_stop", {
        parent: live.life,
        at,
        attributes: { "subagent_mcp.agent.id": agentId, "subagent_mcp.budget.limit": note },
      });
    } else if (live.budget !== undefined) {
      live.budget.end(at);
      live.budget = undefined;
    }
    if (status === "stalled") live.life.event("stalled", { note }, at);
  }

  #statusOf(agentId: string): string | undefined {
    try {
      return this.#supervisor?.get(agentId).status;
    } catch {
      return undefined;
    }
  }

  // A first turn that moved to the next candidate: one span marks the move, the life span names the new CLI.
  #failedOver(agentId: string, live: Live, at: number): void {
    const supervisor = this.#supervisor;
    if (supervisor === undefined) return;
    let view: AgentView;
    try {
      view = supervisor.get(agentId);
    } catch {
      return;
    }
    for (const attempt of view.attempts.slice(live.attempts)) {
      const span = this.tracer.start("failover", {
        parent: live.life,
        at,
        attributes: {
          "subagent_mcp.agent.id": agentId,
          "subagent_mcp.failover.from": attempt.provider,
          "subagent_mcp.failover.from_model": attempt.model,
          "subagent_mcp.failover.to": view.provider,
          "subagent_mcp.failover.to_model": view.model,
          "subagent_mcp.failover.reason": attempt.reason,
        },
      });
      span.end(at);
    }
    if (view.attempts.length > live.attempts) {
      live.attempts = view.attempts.length;
      live.model = view.model;
      live.life.set({ "gen_ai.provider.name": view.provider, "gen_ai.request.model": view.model });
    }
  }

  #turn(report: TurnReport): void {
    const live = this.#live.get(report.agentId);
    if (live === undefined) return;
    const now = Date.now();
    // A turn nobody saw sent (the pool's first task on a warm agent) still gets its span.
    const span = live.turn?.number === report.turn ? live.turn.span : this.tracer.start(turnName(live), { parent: live.life, at: now - report.durationMs });
    span.set({
      "gen_ai.response.model": live.model,
      "gen_ai.usage.input_tokens": report.usage.input,
      "gen_ai.usage.output_tokens": report.usage.output,
      "gen_ai.usage.cache_read.input_tokens": report.usage.cacheRead,
      "gen_ai.usage.cache_creation.input_tokens": report.usage.cacheWrite,
      "subagent_mcp.cost_usd": report.costUsd,
      "subagent_mcp.turn.interrupted": report.interrupted,
      "subagent_mcp.turn.duration_ms": Math.round(report.durationMs),
    });
    if (report.isError) span.fail(report.result.slice(0, 200));
    span.end(now);
    const at = live.waiting.indexOf(report.turn);
    if (at >= 0) live.waiting.splice(0, at + 1);
    live.turn = undefined;
    this.#startTurn(report.agentId, live, now);
  }

  #end(view: AgentView): void {
    const live = this.#live.get(view.id);
    if (live === undefined) return;
    this.#live.delete(view.id);
    const now = Date.now();
    for (const wait of live.asks.values()) {
      wait.set({ "subagent_mcp.permission.decision": "ended" });
      wait.end(now);
    }
    live.queue?.end(now);
    live.budget?.end(now);
    if (live.turn !== undefined) {
      live.turn.span.fail(`the agent ended (${view.status}) before its turn did`);
      live.turn.span.end(now);
    }
    live.life.set({
      "subagent_mcp.status": view.status,
      "subagent_mcp.turns": view.turns,
      "subagent_mcp.cost_usd": view.costUsd,
      "gen_ai.usage.input_tokens": view.usage.input,
      "gen_ai.usage.output_tokens": view.usage.output,
      "subagent_mcp.note": view.note,
    });
    if (view.status === "errored") live.life.fail(view.lastError?.message ?? "errored");
    // Ended by a kill (kill_agent, or this server's end): whatever it and the server under it were doing was cut short.
    if (view.status === "stopped") live.life.fail("killed");
    live.life.end(now);
  }
}

// A turn is a model conversation step ("chat <model>"), or a pool's task on one of its replicas.
function turnName(live: Live): string {
  return live.pool === undefined ? `chat ${live.model ?? live.provider}` : `pool_task ${live.pool}`;
}
