import { randomBytes } from "node:crypto";
import { TimelineRowSchema } from "@subagent-mcp/contract";
import { descendants } from "@subagent-mcp/drivers";
import { processAlive } from "@subagent-mcp/state";
import { startOtlpReceiver, cliExecutable, type FakeModelServer, type FakeRequest, type OtlpReceiver, type ReceivedSpan } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { bin, setupHosts, startE2E, type E2E } from "./e2e.js";
import { cmdline, isOurServer } from "./our-processes.js";
import { until } from "./past-e2e.js";
import { journalEnds, stop } from "./stop-e2e.js";

// One agent tree in one server, with the real CLIs: the test's server launches a Claude Code agent,
// whose model launches a Codex agent, whose model launches a Gemini CLI agent, each through the
// subagent-mcp tools its CLI was handed on the server's agent endpoint (no server process of its
// own). The tree is the one server's: its depth limit refuses a fourth level, the root's budget
// covers every turn under it and stops the Gemini agent mid-answer, the orchestrator sees and
// stops them all, and their lives are one trace.

let e: E2E | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await e?.close();
  await receiver?.close();
  e = receiver = undefined;
});

const ROOT_TASK = "root-task: have codex start a gemini agent";
const CODEX_TASK = "codex-task: start a gemini agent";
const CODEX_FOLLOW_UP = "codex-follow-up: one more answer";
const GEMINI_TASK = "gemini-task: try one level deeper, then answer slowly";
// Our launch tool as each CLI names it: Claude Code takes the handed server by our name; Codex shows it
// as subagent_mcp (the user's entry switched off); allowed tools are written in Gemini CLI's naming of
// the user's entry, which our driver renames to the handed server's.
const CLAUDE_LAUNCH = "mcp__subagent-mcp__launch_agent";
const CODEX_LAUNCH = "mcp__subagent_mcp__launch_agent";
const GEMINI_LAUNCH = "mcp_subagent-mcp_launch_agent";
// Gemini CLI starts the servers of its settings before any session: the handed one goes by an alias.
const GEMINI_HANDED_LAUNCH = "mcp_subagent_mcp_launch_agent";

const launchedId = (text: string): string | undefined => /Launched agent ([a-z0-9-]+)|"agent_id":\s*"([a-z0-9-]+)"/.exec(text)?.slice(1).find(Boolean);
// Codex finds MCP tools by a tool search first ("found: ..."): only our tools' answers count.
const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool" && !m.text.startsWith("found:")).map((m) => m.text);

function otelEnv(r: OtlpReceiver): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "200",
    OTEL_TRACES_EXPORT_INTERVAL: "300",
  };
}

// The orchestrator's call, in the trace it passes down (as a traced MCP host does in `_meta`).
async function call<T = Record<string, unknown>>(s: E2E, name: string, args: Record<string, unknown>, traceparent: string): Promise<T> {
  const result = await s.client.callTool({ name, arguments: args, _meta: { traceparent } }, undefined, { timeout: 300_000 });
  if (result.isError === true) throw new Error(`${name}: ${JSON.stringify(result.content)}\n${s.stderr()}`);
  return result.structuredContent as T;
}

interface WaitOut {
  finished: { agent_id: string; result?: string }[];
  still_running: string[];
}

// What a fake was asked and answered, for a failure's message.
const shownRequests = (fake: FakeModelServer): string =>
  JSON.stringify(
    fake.requests.map((q) => ({
      reply: q.reply,
      user: q.lastUserText.slice(0, 80),
      tools: q.tools.filter((t) => t.includes("subagent")),
      last: q.messages.at(-1)?.text.slice(0, 300),
    })),
  );

interface Row {
  agent_id: string;
  provider: string;
  status: string;
  alive: boolean;
  turns: number;
  budget_note?: string;
}

describe("one agent tree in one server", () => {
  it(
    "Claude Code starts Codex, Codex starts Gemini CLI: one server runs them, refuses a fourth level, stops the tree at the root's budget, stops them all, and traces them as one tree",
    { timeout: 480_000 },
    async () => {
      const r = (receiver = await startOtlpReceiver());
      const s = (e = await startE2E({ ...otelEnv(r), ENABLE_TOOL_SEARCH: "false", SUBAGENT_MCP_MAX_DEPTH: "3" }));
      const setup = await setupHosts(s, "claude,codex,gemini");
      expect(setup.exitCode, setup.stderr).toBe(0);
      const traceId = randomBytes(16).toString("hex");
      const hostSpan = randomBytes(8).toString("hex");
      const traceparent = `00-${traceId}-${hostSpan}-01`;

      // Each model launches the next agent, hands on the launch tool in Gemini CLI's naming (so that the
      // Gemini agent may call it unasked, within every ceiling above it), and answers.
      let codex: string | undefined;
      let gemini: string | undefined;
      s.fakes.claude.script((req, nonce) => {
        if (!req.lastUserText.includes(ROOT_TASK)) return undefined;
        const results = toolResults(req);
        if (results.length === 0)
          return {
            kind: "tool",
            name: CLAUDE_LAUNCH,
            input: { provider: "codex", model: "gpt-5.5", label: "child", prompt: CODEX_TASK, allowed_tools: [GEMINI_LAUNCH] },
          };
        codex ??= launchedId(results[0] ?? "");
        return { kind: "text", text: `${nonce} root launched: ${(results[0] ?? "").slice(0, 300)}` };
      });
      s.fakes.codex.script((req, nonce) => {
        if (req.lastUserText.includes(CODEX_FOLLOW_UP)) return { kind: "text", text: `${nonce} codex answers again` };
        if (!req.lastUserText.includes(CODEX_TASK)) return undefined;
        const results = toolResults(req);
        if (results.length === 0)
          return { kind: "tool", name: CODEX_LAUNCH, input: { provider: "gemini", label: "grandchild", prompt: GEMINI_TASK, allowed_tools: [GEMINI_LAUNCH] } };
        gemini ??= launchedId(results[0] ?? "");
        return { kind: "text", text: `${nonce} codex launched: ${(results[0] ?? "").slice(0, 300)}` };
      });
      // The Gemini agent tries a fourth level, then streams its answer over minutes: its turn runs on.
      s.fakes.gemini.script((req, nonce) => {
        if (!req.lastUserText.includes(GEMINI_TASK)) return undefined;
        if (!req.afterToolResult) return { kind: "tool", name: GEMINI_HANDED_LAUNCH, input: { provider: "claude", prompt: "one level too deep" } };
        return { kind: "slow", text: `${nonce} gemini was told: ${(req.messages.at(-1)?.text ?? "").slice(0, 300)}`, durationMs: 400_000, chunks: 40 };
      });

      // 1. The root, with a budget of three turns over its whole tree.
      const { agent_id: root } = await call<{ agent_id: string }>(
        s,
        "launch_agent",
        { provider: "claude", label: "root", prompt: ROOT_TASK, budget: { max_turns: 3 }, allowed_tools: [CLAUDE_LAUNCH, GEMINI_LAUNCH] },
        traceparent,
      );
      const rootDone = await call<WaitOut>(s, "wait", { agent_ids: [root], timeout_s: 240 }, traceparent);
      const rootResult = rootDone.finished[0]?.result ?? "";
      expect(rootResult, `${rootResult}\n${shownRequests(s.fakes.claude)}`).toContain(`${s.fakes.claude.nonce} root launched:`);
      expect(codex, rootResult).toBeDefined();
      const child = codex ?? "";
      const childDone = await call<WaitOut>(s, "wait", { agent_ids: [child], timeout_s: 240 }, traceparent);
      const childResult = childDone.finished[0]?.result ?? "";
      expect(childResult, `${childResult}\n${shownRequests(s.fakes.codex)}`).toContain(`${s.fakes.codex.nonce} codex launched:`);
      expect(gemini, childResult).toBeDefined();
      const grandchild = gemini ?? "";

      // The Gemini agent's launch was refused for depth; it now streams its slow answer.
      const refused = await s.fakes.gemini
        .waitForRequest((req) => req.lastUserText.includes(GEMINI_TASK) && req.afterToolResult, "the Gemini agent's model told what its launch got", 240_000)
        .catch((error: unknown) => {
          throw new Error(`${String(error)}\nthe Gemini agent: ${shownRequests(s.fakes.gemini)}`);
        });
      const told = refused.messages.at(-1)?.text ?? "";
      expect(told, told).toContain("sub-agents may nest 3 levels deep and this server is at depth 3");
      expect(s.fakes.claude.requests.some((req) => req.lastUserText.includes("one level too deep"))).toBe(false);

      // 2. The orchestrator sees all three; the journal has Gemini under Codex under Claude.
      const listed = await call<{ agents: Row[] }>(s, "list_agents", {}, traceparent);
      expect(listed.agents.map((a) => [a.agent_id, a.provider])).toEqual(
        expect.arrayContaining([
          [root, "claude"],
          [child, "codex"],
          [grandchild, "gemini"],
        ]),
      );
      const tree = await execa(process.execPath, [bin, "logs", "--tree", root, "--json"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
      const rows = z.array(TimelineRowSchema).parse(JSON.parse(tree.stdout));
      expect(rows.map((row) => [row.agent_id, row.depth, row.parent])).toEqual([
        [root, 0, undefined],
        [child, 1, root],
        [grandchild, 2, child],
      ]);
      // Only the CLIs run under the server: no subagent-mcp server process of any agent's own.
      const server = s.transport.pid ?? 0;
      expect(isOurServer(cmdline(server)), cmdline(server).join(" ")).toBe(true);
      const under = descendants(server).map((pid) => ({ pid, args: cmdline(pid) }));
      expect(
        under.filter((p) => isOurServer(p.args)),
        JSON.stringify(under),
      ).toEqual([]);
      const clis = (["claude", "codex", "gemini"] as const).filter((cli) => under.some((p) => p.args.includes(cliExecutable(cli))));
      expect(clis, JSON.stringify(under)).toEqual(["claude", "codex", "gemini"]);

      // 3. The root's budget counts every turn of its tree: its own (1) and Codex's first (2) so far;
      // Codex's second makes 3 of 3, and the Gemini agent, mid-answer, is stopped at the root's budget.
      await call(s, "send_message", { agent_id: child, message: CODEX_FOLLOW_UP }, traceparent);
      const stopped = await call<WaitOut>(s, "wait", { agent_ids: [grandchild], timeout_s: 240 }, traceparent);
      const stoppedResult = stopped.finished.find((f) => f.agent_id === grandchild)?.result ?? "";
      expect(stoppedResult, JSON.stringify(stopped)).toContain(`[stopped: budget of the agent tree of ${root}: max_turns 3 turns: 3 turns spent (100 %)]`);
      const polled = await call<{ status: string; hint?: string; turns: number }>(s, "poll_agent", { agent_id: grandchild }, traceparent);
      expect(polled.status).toBe("budget_exceeded");
      expect(polled.hint).toContain(`of the agent tree of ${root}: max_turns 3`);
      // The Codex agent's second turn, the one that spent the root's budget, ended whole; it is parked with the rest.
      const after = await call<{ agents: Row[] }>(s, "list_agents", {}, traceparent);
      expect(after.agents.find((a) => a.agent_id === child)).toMatchObject({ turns: 2, status: "budget_exceeded" });
      expect(after.agents.find((a) => a.agent_id === grandchild)?.budget_note).toContain(`of the agent tree of ${root}`);

      // 4. The user's stop ends all three.
      const alive = descendants(server).filter((pid) => !isOurServer(cmdline(pid)) && cmdline(pid)[0] !== "/bin/sh");
      const all = await stop(s, "--all");
      expect(all.exitCode, all.stderr).toBe(0);
      for (const [id, provider] of [
        [root, "claude"],
        [child, "codex"],
        [grandchild, "gemini"],
      ] as const)
        expect(all.stdout).toContain(`\t${id}\t${provider}`);
      await until("every agent process to end", () => alive.every((pid) => !processAlive({ pid })), 30_000);
      const ended = await call<{ agents: Row[] }>(s, "list_agents", {}, traceparent);
      expect(ended.agents.filter((a) => [root, child, grandchild].includes(a.agent_id) && a.alive)).toEqual([]);
      const ids = [root, child, grandchild];
      await until("every journal to end", () => ids.every((id) => journalEnds(s).get(id) !== undefined), 30_000);
      for (const id of ids) expect(journalEnds(s).get(id), id).toEqual({ status: "stopped", why: "stopped by the user" });

      // 5. One trace: each agent's life in the host's trace, under the life of the agent that launched it.
      const isLife = (x: ReceivedSpan, provider: string, id: string): boolean =>
        x.name === `invoke_agent ${provider}` && x.attributes["subagent_mcp.agent.id"] === id;
      const spans = await r.waitFor(
        (got) => got.some((x) => isLife(x, "claude", root)) && got.some((x) => isLife(x, "codex", child)) && got.some((x) => isLife(x, "gemini", grandchild)),
      );
      const life = (provider: string, id: string): ReceivedSpan => spans.find((x) => isLife(x, provider, id)) as ReceivedSpan;
      const [rootLife, childLife, grandchildLife] = [life("claude", root), life("codex", child), life("gemini", grandchild)];
      // Every span of ours but the user's stop (a call from a terminal, in no trace of the host's).
      const ours = spans.filter((x) => x.resource["service.name"] === "subagent-mcp" && x.name !== "stop_agents");
      expect(
        ours.filter((x) => x.traceId !== traceId).map((x) => ({ name: x.name, parent: x.parentSpanId, attributes: x.attributes })),
        ours.map((x) => `${x.traceId.slice(0, 6)} ${x.name}`).join(", "),
      ).toEqual([]);
      const ancestry = (span: ReceivedSpan): string[] => {
        const out: string[] = [];
        for (let at = span.parentSpanId; at !== undefined && !out.includes(at); at = spans.find((x) => x.spanId === at)?.parentSpanId) out.push(at);
        return out;
      };
      const shown = (span: ReceivedSpan): string =>
        ancestry(span)
          .map((id) => spans.find((x) => x.spanId === id)?.name ?? `missing ${id}`)
          .join(" <- ");
      // Each life is its launch's child: the orchestrator's call, then Claude Code's and Codex's calls of their tools.
      for (const span of [rootLife, childLife, grandchildLife])
        expect(spans.find((x) => x.spanId === span.parentSpanId)?.name ?? "", shown(span)).toBe("launch_agent");
      expect(ancestry(rootLife), shown(rootLife)).toContain(hostSpan);
      expect(ancestry(childLife), shown(childLife)).toContain(rootLife.spanId);
      expect(ancestry(grandchildLife), shown(grandchildLife)).toContain(childLife.spanId);
    },
  );
});
