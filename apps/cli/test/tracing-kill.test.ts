import { execa } from "execa";
import { startOtlpReceiver, type FakeRequest, type OtlpReceiver, type ReceivedSpan } from "@subagent-mcp/testkit";
import { afterEach, expect, it } from "vitest";
import { bin, startE2E, type E2E } from "./e2e.js";

// A sub-agent killed takes the subagent-mcp server its CLI started with it (SIGKILL, the whole
// process tree): what that server traced must be out already. The batch delay is set far beyond
// the test, so only a span sent as it ended can arrive.

let e: E2E | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await e?.close();
  await receiver?.close();
  e = receiver = undefined;
});

const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool").map((m) => m.text);
const ours = (s: ReceivedSpan): boolean => s.resource["service.name"] === "subagent-mcp";

it("a killed sub-agent's tool call, answered by the one server, is in its trace, and its life span ends in error: killed", { timeout: 180_000 }, async () => {
  const r = (receiver = await startOtlpReceiver());
  const s = (e = await startE2E({
    OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "600000",
    ENABLE_TOOL_SEARCH: "false",
  }));
  const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
  expect(setup.exitCode, setup.stderr).toBe(0);
  s.fakes.claude.script((req, nonce) => {
    if (!req.lastUserText.includes("List your agents")) return undefined;
    if (toolResults(req).length === 0) return { kind: "tool", name: "mcp__subagent-mcp__list_agents", input: {} };
    return { kind: "text", text: `${nonce} listed` };
  });
  const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
    provider: "claude",
    prompt: "List your agents",
    allowed_tools: ["mcp__subagent-mcp__list_agents"],
  });
  const done = await s.call<{ finished: { result?: string }[] }>("wait", { agent_ids: [agent_id], timeout_s: 90 });
  expect(done.finished[0]?.result).toContain(`${s.fakes.claude.nonce} listed`);
  // Its CLI ends with SIGKILL; the tool call it made was answered, and traced, by this one server.
  await s.call("kill_agent", { agent_id });
  // Our own spans go out as we close: the agent's life ended with the kill.
  await s.close();
  e = undefined;
  const spans = await r.waitFor(
    (all) =>
      all.some((x) => x.name === "invoke_agent claude" && x.attributes["subagent_mcp.agent.id"] === agent_id) &&
      all.some((x) => ours(x) && x.name === "list_agents"),
  );
  const call = spans.find((x) => ours(x) && x.name === "list_agents");
  const life = spans.find((x) => x.name === "invoke_agent claude" && x.attributes["subagent_mcp.agent.id"] === agent_id);
  expect(life).toMatchObject({ status: 2, statusMessage: "killed", attributes: expect.objectContaining({ "subagent_mcp.status": "stopped" }) as unknown });
  // The call its tools answered is in the agent's trace, under its life.
  expect(call?.traceId).toBe(life?.traceId);
});
