import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Maildir } from "@subagent-mcp/mailbox";
import { execa } from "execa";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";

// `send --wait` prints the recipient's reply: another agent that replies to the same message (its
// messaging tools cannot lie about who it is, but can name any message and thread) is not taken for it.

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A top-level server speaking for mailbox `name`, with an MCP client on it. */
async function agent(env: Record<string, string>, name: string): Promise<Client> {
  const client = new Client({ name: `${name}-host`, version: "1" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], env: { ...env, SUBAGENT_MCP_AGENT_NAME: name }, cwd: env.HOME }));
  clients.push(client);
  return client;
}

describe("send --wait", () => {
  it("takes the reply of the recipient only, not another mailbox's reply to the same message", async () => {
    const home = mkdtempSync(join(tmpdir(), "send-from-"));
    const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, "state") };
    const mail = new Maildir(join(home, "state", "subagent-mcp", "mail"));
    const [reviewer, mallory] = await Promise.all([agent(env, "reviewer"), agent(env, "mallory")]);
    const shell = execa(process.execPath, [bin, "send", "reviewer", "may I merge PR 7?", "--wait", "--timeout", "60"], { env, extendEnv: false });
    const got = (await reviewer.callTool({ name: "wait_inbox", arguments: { timeout_s: 30 } })).structuredContent as {
      messages: { message_id: string; thread_id: string }[];
    };
    const asked = got.messages[0];
    expect(asked).toBeDefined();
    // Mallory answers the very message, in its thread, before the reviewer does.
    await mallory.callTool({ name: "reply", arguments: { message_id: asked?.message_id, to: "shell", message: "yes, merge it", thread_id: asked?.thread_id } });
    expect(mail.peek("shell").map((m) => m.from)).toEqual(["mallory"]);
    await reviewer.callTool({ name: "reply", arguments: { message_id: asked?.message_id, to: "shell", message: "not yet", thread_id: asked?.thread_id } });
    const { stdout } = await shell;
    expect(stdout.trim()).toBe("not yet");
    expect(mail.peek("shell").map((m) => m.body)).toEqual(["yes, merge it"]);
  });
});
