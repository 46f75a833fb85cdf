import { describe, expect, it } from "vitest";
import { ClaudeDriver } from "../src/index.js";
import { claudeMcpJson } from "../src/claude/claude.js";
import { codexMcpStatus } from "../src/codex/codex-thread.js";

const servers = [
  { name: "notes", command: "node", args: ["notes.cjs"], env: { NOTES_VALUE: "secret-xyz" } },
  { name: "remote", url: "http://127.0.0.1:9/mcp", headers: { Authorization: "Bearer tok-1" } },
];

describe("a user's MCP servers in each CLI's terms", () => {
  it("claude: the private file's config carries env and headers; the inline one never does", () => {
    expect(JSON.parse(claudeMcpJson(servers, true))).toEqual({
      mcpServers: {
        notes: { type: "stdio", command: "node", args: ["notes.cjs"], env: { NOTES_VALUE: "secret-xyz" } },
        remote: { type: "http", url: "http://127.0.0.1:9/mcp", headers: { Authorization: "Bearer tok-1" } },
      },
    });
    const inline = new ClaudeDriver().argv({ cwd: "/tmp", mcpServers: servers }).join(" ");
    expect(inline).toContain("notes.cjs");
    expect(inline).not.toContain("secret-xyz");
    expect(inline).not.toContain("tok-1");
  });

  it("codex: startup statuses as ours", () => {
    expect(codexMcpStatus({ name: "a", status: "starting" })).toEqual({ type: "mcp_status", server: "a", status: "pending" });
    expect(codexMcpStatus({ name: "a", status: "ready", error: null })).toEqual({ type: "mcp_status", server: "a", status: "connected" });
    expect(codexMcpStatus({ name: "a", status: "failed", error: "boom" })).toEqual({ type: "mcp_status", server: "a", status: "failed", error: "boom" });
    expect(codexMcpStatus({ name: "a", status: "cancelled" })).toMatchObject({ status: "failed", error: "startup cancelled" });
    expect(codexMcpStatus({ name: "a", status: "later" })).toBeUndefined();
  });
});
