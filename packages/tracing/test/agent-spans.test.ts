import { Supervisor, type AgentEvent, type Driver, type PermissionEvent, type Session, type SessionSpec } from "@subagent-mcp/core";
import { describe, expect, it } from "vitest";
import { AgentSpans, type Attributes, type SpanHandle, type SpanOptions, type Tracer } from "../src/index.js";
import type { PermissionDecision } from "@subagent-mcp/contract";

// AgentSpans on a real supervisor: what each agent's life, turns and waits become, recorded by an
// in-memory tracer (the OpenTelemetry export itself is export.test.ts's).

interface Recorded {
  name: string;
  parent: string | undefined;
  attributes: Attributes;
  events: string[];
  failed?: string;
  ended: boolean;
  traceparent: string;
}

function recorder(): { tracer: Tracer; spans: Recorded[] } {
  const spans: Recorded[] = [];
  let n = 0;
  const tracer: Tracer = {
    on: true,
    start: (name: string, options: SpanOptions = {}): SpanHandle => {
      const rec: Recorded = {
        name,
        parent: typeof options.parent === "string" ? options.parent : options.parent?.traceparent,
        attributes: { ...options.attributes },
        events: [],
        ended: false,
        traceparent: `00-${"a".repeat(32)}-${(++n).toString(16).padStart(16, "0")}-01`,
      };
      spans.push(rec);
      return {
        traceparent: rec.traceparent,
        set: (a) => Object.assign(rec.attributes, a),
        event: (e) => rec.events.push(e),
        fail: (m) => (rec.failed = m),
        end: () => (rec.ended = true),
      };
    },
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  return { tracer, spans };
}

class Fake implements Session {
  readonly pid = 1;
  readonly answers: string[] = [];
  constructor(
    readonly spec: SessionSpec,
    readonly emit: (e: AgentEvent) => void,
  ) {}
  send(): void {}
  interrupt(): Promise<void> {
    return Promise.resolve();
  }
  reset(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return this.kill();
  }
  kill(): Promise<void> {
    this.emit({ type: "exit", code: null, signal: "SIGKILL" });
    return Promise.resolve();
  }
  respondPermission(requestId: string, decision: PermissionDecision): void {
    this.answers.push(`${requestId}:${decision.behavior}`);
  }
  finish(result: string, isError = false): void {
    this.emit({ type: "turn_end", result, isError, usage: { input: 10, output: 5, cacheRead: 1, cacheWrite: 2 }, costUsd: 0.01, durationMs: 100 });
  }
}

function driver(provider: "claude" | "codex"): Driver & { sessions: Fake[] } {
  const sessions: Fake[] = [];
  return {
    provider,
    sessions,
    start: (spec, onEvent) => {
      const s = new Fake(spec, onEvent);
      sessions.push(s);
      return s;
    },
  };
}

function setup() {
  const { tracer, spans } = recorder();
  const spansOf = new AgentSpans(tracer);
  const claude = driver("claude");
  const codex = driver("codex");
  const supervisor = new Supervisor({
    drivers: { claude, codex },
    caps: { claude: 1 },
    onPermission: (e: PermissionEvent) => {
      spansOf.permission(e);
    },
    traceOf: spansOf.sessionTrace,
  });
  spansOf.attach(supervisor);
  const named = (name: string) => spans.filter((s) => s.name === name);
  return { supervisor, spans, spansOf, named, claude, codex };
}

describe("an agent's spans", () => {
  it("its life, each turn under it (tokens, cost), the trace its CLI and server get, and its end", async () => {
    const { supervisor, named, claude, spansOf } = setup();
    const a = supervisor.launch({ provider: "claude", model: "opus", label: "lead", cwd: "/", prompt: "one" });
    const life = named("invoke_agent claude")[0];
    expect(life?.attributes).toMatchObject({ "gen_ai.agent.name": "lead", "gen_ai.request.model": "opus", "subagent_mcp.agent.id": a.id });
    expect(spansOf.lifeOf(a.id)?.traceparent).toBe(life?.traceparent);
    const session = claude.sessions[0] as Fake;
    // The session's CLI gets the life span's context, and the server under it too.
    expect(session.spec.traceparent).toBe(life?.traceparent);
    expect(session.spec.env?.SUBAGENT_MCP_TRACEPARENT).toBe(life?.traceparent);
    expect(typeof session.spec.env?.SUBAGENT_MCP_OTEL_ENV).toBe("string");
    expect(session.spec.mcpEnv).toEqual(expect.arrayContaining(["SUBAGENT_MCP_TRACEPARENT", "SUBAGENT_MCP_OTEL_ENV"]));
    session.emit({ type: "started", sessionId: "s-1", model: "opus-4" });
    // A follow-up sent during turn 1 starts its span when turn 1 ends, not before.
    supervisor.send(a.id, "two");
    expect(named("chat opus")).toHaveLength(1);
    session.emit({ type: "tool", name: "Read", input: {} });
    session.finish("done one");
    const [first, second] = named("chat opus").concat(named("chat opus-4"));
    expect(first).toMatchObject({ parent: life?.traceparent, ended: true, events: ["tool"] });
    expect(first?.attributes).toMatchObject({
      "subagent_mcp.turn": 1,
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 5,
      "subagent_mcp.cost_usd": 0.01,
    });
    expect(second).toMatchObject({ name: "chat opus-4", ended: false, attributes: expect.objectContaining({ "subagent_mcp.turn": 2 }) as unknown });
    session.finish("boom", true);
    expect(second).toMatchObject({ ended: true, failed: "boom" });
    await supervisor.kill(a.id);
    expect(life).toMatchObject({
      ended: true,
      failed: "killed",
      attributes: expect.objectContaining({ "subagent_mcp.status": "stopped", "subagent_mcp.turns": 2, "gen_ai.conversation.id": "s-1" }) as unknown,
    });
    expect(spansOf.lifeOf(a.id)).toBeUndefined();
  });

  it("a queue wait, a permission wait with who answered it, and a budget stop", async () => {
    const { supervisor, named, claude } = setup();
    const first = supervisor.launch({
      provider: "claude",
      cwd: "/",
      prompt: "one",
      permissionPolicy: () => ({ decision: "ask", why: "asks" }),
      budget: { max_turns: 1 },
    });
    const queued = supervisor.launch({ provider: "claude", cwd: "/", prompt: "later" });
    expect(named("queue_wait")).toMatchObject([{ ended: false, attributes: { "subagent_mcp.agent.id": queued.id } }]);
    const session = claude.sessions[0] as Fake;
    session.emit({ type: "permission_request", request: { requestId: "r1", tool: "Bash", kind: "shell", command: "ls", input: { command: "ls" } } });
    const wait = named("permission_wait Bash")[0];
    expect(wait).toMatchObject({ ended: false, parent: named("chat claude")[0]?.traceparent });
    supervisor.respondPermission(first.id, "r1", { behavior: "allow" });
    expect(wait).toMatchObject({
      ended: true,
      attributes: expect.objectContaining({ "subagent_mcp.permission.decision": "allow", "subagent_mcp.permission.by": "orchestrator" }) as unknown,
    });
    session.finish("done");
    expect(named("budget_stop")).toMatchObject([{ ended: false, attributes: expect.objectContaining({ "subagent_mcp.agent.id": first.id }) as unknown }]);
    expect(String(named("budget_stop")[0]?.attributes["subagent_mcp.budget.limit"])).toMatch(/max_turns/);
    await supervisor.kill(first.id);
    expect(named("budget_stop")[0]?.ended).toBe(true);
    // The freed slot starts the queued agent: its wait is over.
    expect(named("queue_wait")[0]?.ended).toBe(true);
    await supervisor.shutdown();
  });

  it("a failover: one span saying from what to what and why, and the life goes on under the new CLI", async () => {
    const { supervisor, named, claude, codex } = setup();
    const a = supervisor.launch({ provider: "claude", cwd: "/", prompt: "task", fallbacks: [{ provider: "codex", model: "gpt" }] });
    const session = claude.sessions[0] as Fake;
    session.emit({ type: "error", message: "overloaded", transient: true });
    session.finish("overloaded", true);
    expect(codex.sessions).toHaveLength(1);
    expect(named("failover")).toMatchObject([
      {
        ended: true,
        attributes: expect.objectContaining({
          "subagent_mcp.failover.from": "claude",
          "subagent_mcp.failover.to": "codex",
          "subagent_mcp.failover.reason": "overloaded",
        }) as unknown,
      },
    ]);
    expect(named("invoke_agent claude")[0]?.attributes).toMatchObject({ "gen_ai.provider.name": "codex", "gen_ai.request.model": "gpt" });
    (codex.sessions[0] as Fake).finish("done");
    await supervisor.kill(a.id);
    expect(named("invoke_agent claude")).toHaveLength(1);
    await supervisor.shutdown();
  });
});
