import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliExecutable, loopbackEnv, startAllFakes, startTmuxClaude, type FakeModelServer, type FakeRequest, type TmuxHost } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

// The interactive Claude Code as the host, under tmux as a person runs it, with our built server on
// stdio: it discovers us (2026-07-28), declares the tasks extension, and takes each delegation as a
// background task whose answer comes back to its model by itself.
type Stop = () => Promise<void>;
const stops: Stop[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const LAUNCH = "mcp__subagent__launch_agent";

async function hostWithServer(allowed: string[]): Promise<{ host: TmuxHost; fakes: Awaited<ReturnType<typeof startAllFakes>>; cwd: string }> {
  const fakes = await startAllFakes();
  stops.push(() => Promise.all(Object.values(fakes).map((f) => f.stop())).then(() => undefined));
  const env = await loopbackEnv(fakes);
  stops.push(() => env.cleanup());
  const serverEnv = {
    ...env.env,
    SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
    SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"),
    SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini"),
  };
  const mcpConfig = JSON.stringify({ mcpServers: { subagent: { command: process.execPath, args: [bin], env: serverEnv } } });
  // Tool search off: the host offers our tools to its model up front instead of deferring them.
  const host = await startTmuxClaude({ ...env, env: { ...env.env, ENABLE_TOOL_SEARCH: "false" } }, [
    "--mcp-config",
    mcpConfig,
    "--strict-mcp-config",
    "--allowedTools",
    allowed.join(","),
  ]);
  stops.push(() => host.close());
  // A prompt typed before our server is connected would not see its tools.
  await host.mcpConnected("subagent");
  return { host, fakes, cwd: env.cwd };
}

// Claude Code can send a prompt's request before its session's tools hold a server it has already
// logged as connected (seen on a loaded machine): the fake then echoes the prompt. As a person
// would, the prompt is typed again once that answer shows. (The host's race: our server had answered.)
async function promptWithTools(host: TmuxHost, fake: FakeModelServer, text: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const before = fake.requests.length;
    await host.prompt(text);
    const sent = await fake.waitForRequest(
      (r) => fake.requests.indexOf(r) >= before && r.reply !== "title" && r.reply !== "json" && r.lastUserText.includes(text),
      `the host's request for "${text}"`,
    );
    if (sent.tools.includes(LAUNCH)) return;
    await host.waitFor((screen) => screen.split(`echo: ${text}`).length > attempt);
  }
  throw new Error(`the host sent "${text}" three times without ${LAUNCH}`);
}

// Resolves with the first host request that carries a task notification.
function notified(scripted: (request: FakeRequest) => void): { seen: Promise<FakeRequest>; onRequest: (request: FakeRequest) => void } {
  let resolve: (request: FakeRequest) => void = () => undefined;
  const seen = new Promise<FakeRequest>((r) => (resolve = r));
  return {
    seen,
    onRequest: (request) => {
      scripted(request);
      if (notificationIn(request) !== undefined) resolve(request);
    },
  };
}

// The task notification the host hands its model, as the last message of a request (in a system reminder).
function notificationIn(request: FakeRequest): string | undefined {
  const last = request.messages.at(-1);
  return last?.role === "user" && last.text.includes("<task-notification>") ? last.text : undefined;
}

describe("an interactive Claude Code host takes delegations as MCP tasks", () => {
  it("launch_agent becomes a background task; the sub-agent's answer reaches the host model in a task notification, with no wait call", async () => {
    const { host, fakes } = await hostWithServer([LAUNCH, "mcp__subagent__wait"]);
    const toolCalls: string[] = [];
    const watch = notified(() => undefined);
    fakes.claude.script((request, nonce) => {
      watch.onRequest(request);
      if (!request.tools.includes(LAUNCH)) return undefined;
      if (notificationIn(request) !== undefined) return { kind: "text", text: `${nonce} host saw the notification` };
      if (request.afterToolResult) return { kind: "text", text: `${nonce} delegated, carrying on` };
      if (request.lastUserText.includes("delegate")) {
        toolCalls.push(LAUNCH);
        return { kind: "tool", name: LAUNCH, input: { provider: "codex", prompt: "sub-task from the host" } };
      }
      return undefined;
    });
    await promptWithTools(host, fakes.claude, "delegate this please");
    const request = await watch.seen;
    const notification = notificationIn(request) ?? "";
    expect(notification).toContain("<status>completed</status>");
    // The sub-agent's answer (from the Codex fake) is the task's result: what wait would have said.
    expect(notification).toContain(fakes.codex.nonce);
    expect(notification).toContain("sub-task from the host");
    expect(notification).toMatch(/"agent_id":"[0-9a-f]{8}","turn":1,"status":"finished"/);
    // The model was told at once that the call went to the background, under a task id naming the agent.
    const backgrounded = fakes.claude.requests.find((r) => r.afterToolResult && r.tools.includes(LAUNCH));
    expect(backgrounded?.messages.at(-1)?.text).toMatch(/started server-side task [0-9a-f]{8}-turn-1/);
    // One model request per delegation: the launch; no wait.
    expect(toolCalls).toEqual([LAUNCH]);
    expect(fakes.claude.requests.some((r) => r.messages.some((m) => m.text.includes("mcp__subagent__wait")))).toBe(false);
    await host.waitFor("host saw the notification");
  }, 180_000);

  it("a sub-agent's permission request is put to the person in the host's own form, and allowing it lets the command run", async () => {
    const { host, fakes, cwd } = await hostWithServer([LAUNCH]);
    const watch = notified(() => undefined);
    fakes.claude.script((request, nonce) => {
      watch.onRequest(request);
      // The sub-agent (a Claude Code of its own on the same fake) follows the default directives.
      if (!request.tools.includes(LAUNCH)) return undefined;
      if (notificationIn(request) !== undefined) return { kind: "text", text: `${nonce} host saw the notification` };
      if (request.afterToolResult) return { kind: "text", text: `${nonce} delegated` };
      if (request.lastUserText.includes("delegate"))
        return { kind: "tool", name: LAUNCH, input: { provider: "claude", prompt: "[[shell:touch made-by-sub.txt]]" } };
      return undefined;
    });
    await promptWithTools(host, fakes.claude, "delegate the file please");
    // The form: the agent, what it asks, and the three choices.
    await host.waitFor("touch made-by-sub.txt");
    expect(existsSync(join(cwd, "made-by-sub.txt"))).toBe(false);
    await host.waitFor("Decision");
    // Open the choice, take the first (Allow), close it, then Accept.
    await host.keys("Right");
    await host.waitFor("Allow always");
    await host.keys("Space");
    await host.waitFor(/Decision: .*Allow/);
    await host.keys("Enter");
    await host.waitFor(/❯ Accept/);
    // Accept: the form goes once the host has sent the answer.
    await host.pressUntil("Enter", (screen) => !screen.includes("requests your input"));
    const request = await watch.seen;
    expect(notificationIn(request)).toContain("<status>completed</status>");
    expect(existsSync(join(cwd, "made-by-sub.txt"))).toBe(true);
  }, 180_000);
});
