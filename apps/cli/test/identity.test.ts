import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, type E2E } from "./e2e.js";

interface InboxOut {
  messages: { from: string; body: string }[];
}

let e: E2E | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await e?.close();
  e = undefined;
});

// Another server of the same installation (same HOME, same mailboxes), as a second host session would start it.
async function another(s: E2E, env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: "second", version: "1" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], env: { ...s.serverEnv, ...env }, cwd: s.env.cwd, stderr: "pipe" }));
  clients.push(client);
  return client;
}

async function inbox(client: Client): Promise<string[]> {
  const result = await client.callTool({ name: "inbox", arguments: {} });
  return (result.structuredContent as InboxOut).messages.map((m) => m.body);
}

const send = (s: E2E, to: string, text: string) => execa(process.execPath, [bin, "send", to, text], { cwd: s.env.cwd, env: s.env.env, extendEnv: false });

describe("mail identity of each server", () => {
  it("each host session reads its own mailbox; `send orchestrator` still reaches a session", async () => {
    const s = (e = await startE2E({ CLAUDE_CODE_SESSION_ID: "aaaa1111" }));
    const b = await another(s, { CLAUDE_CODE_SESSION_ID: "bbbb2222" });
    const { tools } = await b.listTools();
    expect(tools.find((t) => t.name === "inbox")?.description).toContain("(orchestrator-bbbb2222)");
    await send(s, "orchestrator-aaaa1111", "for session a only");
    expect(await inbox(b)).toEqual([]);
    expect((await s.call<InboxOut>("inbox")).messages.map((m) => m.body)).toEqual(["for session a only"]);
    await send(s, "orchestrator", "for whoever is there");
    expect(await inbox(b)).toEqual(["for whoever is there"]);
  });

  it("a sub-agent is told its own session's mailbox as its parent", async () => {
    const s = (e = await startE2E({ CLAUDE_CODE_SESSION_ID: "cccc3333" }));
    const launched = await s.call<{ agent_id: string }>("launch_agent", { provider: "gemini", prompt: "hello" });
    await s.call("wait", { agent_ids: [launched.agent_id], timeout_s: 60 });
    const first = s.fakes.gemini.requests.find((r) => r.lastUserText.includes("hello"));
    expect(JSON.stringify(first?.body)).toContain(`You are sub-agent \\"${launched.agent_id}\\", started by \\"orchestrator-cccc3333\\"`);
  });

  it("a nested server without a name offers no messaging tools, so it cannot read another's mail", async () => {
    const s = (e = await startE2E());
    await send(s, "orchestrator", "not for a sub-agent");
    const nested = await another(s, { SUBAGENT_MCP_DEPTH: "1" });
    const names = (await nested.listTools()).tools.map((t) => t.name);
    expect(names).toContain("launch_agent");
    expect(names.filter((n) => ["send_to", "inbox", "wait_inbox", "reply"].includes(n))).toEqual([]);
    expect((await s.call<InboxOut>("inbox")).messages.map((m) => m.body)).toEqual(["not for a sub-agent"]);
  });

  it("invoke and warmup at the deepest level are refused", async () => {
    const s = (e = await startE2E());
    mkdirSync(join(s.env.cwd, ".claude", "agents"), { recursive: true });
    writeFileSync(join(s.env.cwd, ".claude", "agents", "helper.md"), "---\nname: helper\ndescription: Helps\nprovider: gemini\n---\nYou help.\n");
    const deep = await another(s, { SUBAGENT_MCP_DEPTH: "2", SUBAGENT_MCP_MAX_DEPTH: "2" });
    for (const [name, args] of [
      ["invoke", { agent: "helper", task: "hello" }],
      ["warmup", { agent: "helper" }],
    ] as const) {
      const result = await deep.callTool({ name, arguments: args });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain("sub-agents may nest 2 levels deep and this server is at depth 2");
    }
    expect(s.fakes.gemini.requests).toEqual([]);
  });
});
