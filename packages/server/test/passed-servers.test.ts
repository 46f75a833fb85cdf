import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hostOfClient, journaledServers, passedServers } from "../src/passed-servers.js";

let home: string | undefined;
afterEach(() => {
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

describe("the user's MCP servers a launch passes on", () => {
  it("knows the hosts by their MCP clients' names", () => {
    expect(hostOfClient("claude-code")).toBe("claude");
    expect(hostOfClient("codex-mcp-client")).toBe("codex");
    expect(hostOfClient("gemini-cli-mcp-client")).toBe("gemini");
    expect(hostOfClient("qwen-code-mcp-client")).toBe("qwen");
    expect(hostOfClient("opencode")).toBe("opencode");
    expect(hostOfClient("claude-ai")).toBeUndefined();
    expect(hostOfClient(undefined)).toBeUndefined();
  });

  it("allows each server's tools by a rule, refuses the messaging server's name, and journals no secret", async () => {
    const inline = { name: "web", url: "https://mcp.example/path?key=abc", headers: { Authorization: "Bearer t0k" } };
    const passed = await passedServers([inline], tmpdir(), "mailbox", undefined);
    expect(passed.allow).toEqual(["mcp__web"]);
    expect(passed.specs).toEqual([inline]);
    const journaled = JSON.stringify(journaledServers(passed));
    expect(journaled).not.toContain("t0k");
    expect(journaled).not.toContain("abc");
    await expect(passedServers([{ name: "mailbox", command: "x" }], tmpdir(), "mailbox", undefined)).rejects.toThrow(/messaging server's/);
  });

  it("a name comes from the user's config; an unknown one lists what there is", async () => {
    home = mkdtempSync(join(tmpdir(), "passed-"));
    writeFileSync(join(home, ".claude.json"), JSON.stringify({ mcpServers: { notes: { command: "node", args: ["n.js"], env: { K: "v" } } } }));
    const before = process.env.HOME;
    process.env.HOME = home;
    try {
      const passed = await passedServers(["notes"], home, "mailbox", undefined);
      expect(passed.specs).toEqual([{ name: "notes", command: "node", args: ["n.js"], env: { K: "v" } }]);
      expect(passed.shown[0]?.spec).toMatchObject({ env: { K: "***" } });
      await expect(passedServers(["nope"], home, "mailbox", undefined)).rejects.toThrow(/no MCP server named "nope".*claude: notes/);
    } finally {
      process.env.HOME = before;
    }
  });
});
