import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";

interface WaitOut {
  finished: { agent_id: string; result: string }[];
  still_running: string[];
  timed_out: boolean;
  messages_waiting?: number;
}
interface InboxOut {
  messages: { message_id: string; from: string; body: string; thread_id: string }[];
}

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

describe("a sub-agent asks its parent a question", () => {
  it("the child's own server carries send_to, the parent's wait reports the message, and the answer reaches the child", async () => {
    // Claude Code would defer a handful of MCP tools behind its tool search; the fake model calls them directly.
    const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    s.fakes.claude.script((request, nonce) => {
      if (!request.messages.some((m) => m.text.includes("need a color"))) return undefined;
      const last = request.messages.at(-1)?.text ?? "";
      if (!request.afterToolResult) return { kind: "tool", name: "mcp__mailbox__send_to", input: { to: "orchestrator", message: "which color should I use?" } };
      // send_to answered (its result carries a message_id): now block until the parent answers.
      if (!last.includes('"messages"')) return { kind: "tool", name: "mcp__mailbox__wait_inbox", input: { timeout_s: 60 } };
      return { kind: "text", text: `${nonce} parent said: ${last}` };
    });
    const launched = await s.call<{ agent_id: string; mailbox: string }>("launch_agent", {
      provider: "claude",
      prompt: "paint it, but you need a color from me",
    });
    expect(launched.mailbox).toBe(launched.agent_id);

    const woke = await s.call<WaitOut>("wait", { agent_ids: [launched.agent_id], timeout_s: 60 });
    expect(woke.messages_waiting).toBe(1);
    expect(woke.still_running).toEqual([launched.agent_id]);
    const inbox = await s.call<InboxOut>("inbox");
    expect(inbox.messages[0]).toMatchObject({ from: launched.agent_id, body: "which color should I use?" });
    const question = inbox.messages[0];
    await s.call("reply", { message_id: question?.message_id, to: launched.agent_id, message: "use blue", thread_id: question?.thread_id });

    const done = await s.call<WaitOut>("wait", { agent_ids: [launched.agent_id], timeout_s: 60 });
    expect(done.finished[0]?.result).toContain(`${s.fakes.claude.nonce} parent said:`);
    expect(done.finished[0]?.result).toContain("use blue");
    // The child was told who its parent is.
    const first = s.fakes.claude.requests.find((r) => r.lastUserText.includes("need a color"));
    // The parent speaks for its own session's mailbox; the child's question to "orchestrator" (shared) reached it too.
    expect(
      first?.messages.some(
        (m) => m.role === "system" && new RegExp(`You are sub-agent "${launched.agent_id}", started by "orchestrator-[0-9a-f]{8}"`).test(m.text),
      ),
    ).toBe(true);
    // Reached over the parent's loopback endpoint: no extra process under the sub-agent.
    expect(first?.tools).toEqual(expect.arrayContaining(["mcp__mailbox__send_to", "mcp__mailbox__wait_inbox"]));
  });
});

describe.each(["codex", "gemini"] as const)("a %s sub-agent", (cli) => {
  it("gets the mailbox tools over the parent's loopback endpoint", async () => {
    const s = (e = await startE2E());
    const launched = await s.call<{ agent_id: string }>("launch_agent", {
      provider: cli,
      prompt: `hello from ${cli}`,
      ...(cli === "codex" ? { model: "gpt-5.5" } : {}),
    });
    await s.call("wait", { agent_ids: [launched.agent_id], timeout_s: 60 });
    const turn = s.fakes[cli].requests.find((r) => r.lastUserText.includes(`hello from ${cli}`) && r.tools.length > 0);
    // Gemini CLI lists MCP tools; Codex 0.169 names each deferred MCP namespace to the model.
    if (cli === "gemini") expect(turn?.tools).toEqual(expect.arrayContaining(["mcp_mailbox_send_to", "mcp_mailbox_wait_inbox"]));
    else expect(JSON.stringify(turn?.body)).toMatch(/- mcp__mailbox: Agents message each other by name/);
  });
});

describe("a qwen sub-agent (an ACP agent from its preset)", () => {
  it("gets the mailbox tools from session/new, deferred behind its tool_search", async () => {
    const s = (e = await startE2E());
    // Qwen Code 0.24 shows MCP tools to the model only through tool_search: the fake searches, and the
    // result it is given back names our tools.
    const launched = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "qwen",
      prompt: '[[tool:tool_search|{"query":"select:mcp__mailbox__send_to"}]]',
    });
    await s.call("wait", { agent_ids: [launched.agent_id], timeout_s: 60 });
    const after = s.fakes.qwen.requests.find((r) => r.afterToolResult);
    expect(JSON.stringify(after?.messages)).toContain("mcp__mailbox__send_to");
  });
});
