import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { execa } from "execa";
import { Maildir } from "@subagent-mcp/mailbox";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin } from "./e2e.js";

describe("messages between a shell and an MCP-connected agent", () => {
  it("a person sends with `subagent-mcp send --wait`, the agent reads it over MCP and replies", async () => {
    const home = mkdtempSync(join(tmpdir(), "send-"));
    const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, "state"), SUBAGENT_MCP_AGENT_NAME: "reviewer" };
    const client = new Client({ name: "reviewer-host", version: "1" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], env, cwd: home }));
    try {
      const shell = execa(process.execPath, [bin, "send", "reviewer", "please review PR 7", "--wait", "--timeout", "30"], { env, extendEnv: false });
      const got = (await client.callTool({ name: "wait_inbox", arguments: { timeout_s: 20 } })).structuredContent as {
        messages: { message_id: string; from: string; body: string; thread_id: string }[];
      };
      expect(got.messages[0]).toMatchObject({ from: "shell", body: "please review PR 7" });
      const first = got.messages[0];
      await client.callTool({ name: "reply", arguments: { message_id: first?.message_id, to: "shell", message: "looks good", thread_id: first?.thread_id } });
      const { stdout } = await shell;
      expect(stdout.trim()).toBe("looks good");
    } finally {
      await client.close();
    }
  });

  it("refuses a recipient name that could leave the mail folder", async () => {
    const home = mkdtempSync(join(tmpdir(), "send-"));
    const bad = await execa(process.execPath, [bin, "send", "../etc", "x"], {
      env: { PATH: process.env.PATH ?? "", HOME: home },
      extendEnv: false,
      reject: false,
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^subagent-mcp: cannot send to "\.\.\/etc"/);
  });

  it("refuses a sender name (or a message id) that is not a mailbox name, before anything is sent", async () => {
    const home = mkdtempSync(join(tmpdir(), "send-"));
    const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, "state") };
    const mail = new Maildir(join(home, "state", "subagent-mcp", "mail"));
    mail.pending("reviewer");
    for (const from of ["../../evil", "a/b", ""]) {
      const bad = await execa(process.execPath, [bin, "send", "reviewer", "x", "--from", from], { env, extendEnv: false, reject: false });
      expect([bad.exitCode, bad.stderr]).toEqual([2, expect.stringMatching(/^subagent-mcp: --from: /)]);
    }
    expect(mail.pending("reviewer")).toBe(0);
    const badId = await execa(process.execPath, [bin, "mail", "reviewer", "--revive", "--id", "../x"], { env, extendEnv: false, reject: false });
    expect([badId.exitCode, badId.stderr]).toEqual([2, expect.stringMatching(/^subagent-mcp: --id: [^\n]*$/)]);
  });

  it("refuses a message over the size limit with a clear error, and the server stays up", async () => {
    const home = mkdtempSync(join(tmpdir(), "send-"));
    const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, "state"), SUBAGENT_MCP_AGENT_NAME: "writer" };
    const client = new Client({ name: "writer-host", version: "1" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], env, cwd: home }));
    try {
      const big = await client.callTool({ name: "send_to", arguments: { to: "reader", message: "x".repeat(1_100_000) } });
      expect(big.isError).toBe(true);
      expect(JSON.stringify(big.content)).toMatch(/message too large: \d+ bytes encoded \(limit 1048576\); send the path of a file/);
      const small = await client.callTool({ name: "send_to", arguments: { to: "reader", message: "fits" } });
      expect(small.isError).not.toBe(true);
      expect(new Maildir(join(home, "state", "subagent-mcp", "mail")).peek("reader").map((m) => m.body)).toEqual(["fits"]);
    } finally {
      await client.close();
    }
  });
});
