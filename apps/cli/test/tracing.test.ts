import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { startOtlpReceiver, type FakeRequest, type OtlpReceiver, type ReceivedSpan } from "@subagent-mcp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, type E2E } from "./e2e.js";

// One trace across an agent tree, for real: the built server (traced through the standard OTEL_*
// variables, to an OTLP receiver on 127.0.0.1) launches a Claude Code sub-agent whose own
// subagent-mcp server launches a nested Codex agent. Every span of ours, Claude Code's and Codex's
// shares the trace the host passed in `_meta`, with the right parents. With tracing off (an endpoint
// set, but OTEL_SDK_DISABLED), nothing reaches the receiver.

let e: E2E | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await e?.close();
  await receiver?.close();
  e = receiver = undefined;
});

const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool").map((m) => m.text);
const launchedId = (text: string): string | undefined => /Launched agent ([a-z0-9-]+)|"agent_id":\s*"([a-z0-9-]+)"/.exec(text)?.slice(1).find(Boolean);
const ours = (s: ReceivedSpan): boolean => s.resource["service.name"] === "subagent-mcp";

interface Done {
  finished: { agent_id: string; result?: string }[];
}

function otelEnv(r: OtlpReceiver): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    // Exports soon after each span ends (ours, Codex's: OTEL_BSP_*; Claude Code's: its own interval).
    OTEL_BSP_SCHEDULE_DELAY: "200",
    OTEL_TRACES_EXPORT_INTERVAL: "300",
    ENABLE_TOOL_SEARCH: "false",
  };
}

// The host's call, in the trace it passes down (as a traced MCP host does in `_meta`).
async function call<T>(s: E2E, name: string, args: Record<string, unknown>, traceparent: string): Promise<T> {
  const result = await s.client.callTool({ name, arguments: args, _meta: { traceparent } });
  if (result.isError === true) throw new Error(`${name}: ${JSON.stringify(result.content)}\n${s.stderr()}`);
  return result.structuredContent as T;
}

describe("one trace per agent tree", () => {
  it(
    "a Claude sub-agent whose own server launches a nested Codex agent: ours, Claude Code's and Codex's spans share the host's trace",
    { timeout: 240_000 },
    async () => {
      const r = (receiver = await startOtlpReceiver());
      const s = (e = await startE2E({ ...otelEnv(r), SUBAGENT_MCP_IDLE_TTL_S: "2" }));
      const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
      expect(setup.exitCode, setup.stderr).toBe(0);
      const traceId = randomBytes(16).toString("hex");
      const hostSpan = randomBytes(8).toString("hex");
      const traceparent = `00-${traceId}-${hostSpan}-01`;
      let nested: string | undefined;
      s.fakes.claude.script((req, nonce) => {
        if (!req.lastUserText.includes("Delegate to codex")) return undefined;
        const results = toolResults(req);
        if (results.length === 0) return { kind: "tool", name: "mcp__subagent-mcp__launch_agent", input: { provider: "codex", prompt: "nested codex work" } };
        nested ??= launchedId(results[0] ?? "");
        if (results.length === 1 && nested !== undefined)
          return { kind: "tool", name: "mcp__subagent-mcp__wait", input: { agent_ids: [nested], timeout_s: 60 } };
        return { kind: "text", text: `${nonce} delegated` };
      });
      const { agent_id: top } = await call<{ agent_id: string }>(
        s,
        "launch_agent",
        { provider: "claude", prompt: "Delegate to codex", allowed_tools: ["mcp__subagent-mcp__launch_agent", "mcp__subagent-mcp__wait"] },
        traceparent,
      );
      const done = await call<Done>(s, "wait", { agent_ids: [top], timeout_s: 120 }, traceparent);
      expect(done.finished[0]?.result).toContain(`${s.fakes.claude.nonce} delegated`);
      expect(nested).toBeDefined();
      const child = nested ?? "";
      // Idle, the agents hibernate (SUBAGENT_MCP_IDLE_TTL_S): Claude Code and Codex exit politely and send their spans.
      await r.waitFor((all) => all.some((x) => x.name === "claude_code.interaction") && all.some((x) => x.name === "turn/start"));
      // The Claude agent's life ends with it, and the Codex agent it started ends with it (both in this one server).
      await call(s, "kill_agent", { agent_id: top }, traceparent);
      const spans = await r.waitFor(
        (all) =>
          all.some((x) => x.name === "invoke_agent claude" && x.attributes["subagent_mcp.agent.id"] === top) &&
          all.some((x) => x.name === "invoke_agent codex" && x.attributes["subagent_mcp.agent.id"] === child),
      );
      // No span of a rehearsal or of anything else nobody asked for.
      expect(spans.filter(ours).filter((x) => x.name === "list_agents")).toEqual([]);
      const mine = spans.filter(ours);
      // Every span of ours is in the host's trace.
      expect(new Set(mine.map((x) => x.traceId))).toEqual(new Set([traceId]));
      const one = (pick: (x: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
        const found = mine.filter(pick);
        expect(found.length, `${what}: ${mine.map((x) => x.name).join(", ")}`).toBeGreaterThanOrEqual(1);
        return found[0] as ReceivedSpan;
      };
      const launch = one((x) => x.name === "launch_agent" && x.parentSpanId === hostSpan, "the host's launch_agent");
      const life = one((x) => x.name === "invoke_agent claude" && x.attributes["subagent_mcp.agent.id"] === top, "the Claude agent's life");
      expect(life.parentSpanId).toBe(launch.spanId);
      expect(life.attributes).toMatchObject({ "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "claude" });
      const turn = one((x) => x.name.startsWith("chat ") && x.attributes["subagent_mcp.agent.id"] === top, "the Claude agent's turn");
      expect(turn.parentSpanId).toBe(life.spanId);
      expect(turn.attributes["gen_ai.usage.input_tokens"]).toEqual(expect.any(Number));
      one((x) => x.name === "wait" && x.parentSpanId === hostSpan, "the host's wait");
      // The Claude agent's own tools (on the one server) continue its trace under the agent's life span.
      const nestedLaunch = one((x) => x.name === "launch_agent" && x.parentSpanId === life.spanId, "the nested server's launch_agent");
      const nestedLife = one((x) => x.name === "invoke_agent codex" && x.attributes["subagent_mcp.agent.id"] === child, "the Codex agent's life");
      expect(nestedLife.parentSpanId).toBe(nestedLaunch.spanId);
      const nestedTurn = one((x) => x.name.startsWith("chat ") && x.attributes["subagent_mcp.agent.id"] === child, "the Codex agent's turn");
      expect(nestedTurn.parentSpanId).toBe(nestedLife.spanId);
      one((x) => x.name === "wait" && x.parentSpanId === life.spanId, "the nested server's wait");
      // Claude Code's own spans join under the agent's life span (it continues TRACEPARENT).
      const claude = spans.filter((x) => x.name.startsWith("claude_code."));
      expect(new Set(claude.map((x) => x.traceId))).toEqual(new Set([traceId]));
      expect(claude.find((x) => x.name === "claude_code.interaction")?.parentSpanId).toBe(life.spanId);
      // Codex continues the trace each request carries: its turn/start under the nested agent's life.
      const codex = spans.filter((x) => x.name === "turn/start");
      expect(codex.some((x) => x.traceId === traceId && x.parentSpanId === nestedLife.spanId)).toBe(true);
    },
  );

  it("Gemini CLI exports nothing of its own: our spans still cover its agent, its turns and the calls on it", { timeout: 120_000 }, async () => {
    const r = (receiver = await startOtlpReceiver());
    const s = (e = await startE2E(otelEnv(r)));
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "gemini", label: "g", prompt: "first" });
    await s.call<Done>("wait", { agent_ids: [agent_id], timeout_s: 60 });
    await s.call("send_message", { agent_id, message: "second" });
    await s.call<Done>("wait", { agent_ids: [agent_id], timeout_s: 60 });
    await s.call("kill_agent", { agent_id });
    // The life ends inside kill_agent, whose own span ends with its answer: they may come in two exports.
    const spans = await r.waitFor(
      (all) =>
        all.some((x) => x.name === "invoke_agent gemini" && x.attributes["subagent_mcp.status"] !== undefined) && all.some((x) => x.name === "kill_agent"),
    );
    const life = spans.find((x) => x.name === "invoke_agent gemini");
    const launch = spans.find((x) => x.name === "launch_agent");
    expect(life?.parentSpanId).toBe(launch?.spanId);
    expect(life?.attributes).toMatchObject({ "gen_ai.agent.name": "g", "subagent_mcp.turns": 2, "subagent_mcp.status": "stopped" });
    const turns = spans.filter((x) => x.name.startsWith("chat ") && x.parentSpanId === life?.spanId);
    expect(turns.map((x) => x.attributes["subagent_mcp.turn"]).sort()).toEqual([1, 2]);
    expect(spans.filter((x) => x.name === "send_message" || x.name === "kill_agent").map((x) => x.attributes["subagent_mcp.agent.id"])).toEqual([
      agent_id,
      agent_id,
    ]);
  });

  it("with tracing switched off, nothing reaches the receiver, and the CLIs are not asked to export", { timeout: 120_000 }, async () => {
    const r = (receiver = await startOtlpReceiver());
    const s = (e = await startE2E({ ...otelEnv(r), OTEL_SDK_DISABLED: "true" }));
    for (const provider of ["claude", "codex", "gemini"]) {
      const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider, prompt: "untraced work" });
      const done = await s.call<Done>("wait", { agent_ids: [agent_id], timeout_s: 60 });
      expect(done.finished[0]?.agent_id).toBe(agent_id);
    }
    await s.close();
    e = undefined;
    expect(r.requests).toEqual([]);
  });
});
