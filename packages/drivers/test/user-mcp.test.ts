import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentEvent, Session, SessionSpec } from "@subagent-mcp/core";
import { NOTES_TOOL, notesStdioServer, startNotesHttpServer, type CliName } from "@subagent-mcp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { descendants, mcpToolName } from "../src/index.js";
import { harness, type Harness } from "./harness.js";

type McpStatus = Extract<AgentEvent, { type: "mcp_status" }>;
type Ended = Extract<AgentEvent, { type: "turn_end" | "exit" }>;

// Every command line of the session's process tree (the CLI, the MCP servers it started).
function commandLines(session: Session): string[] {
  const pid = session.pid;
  if (pid === undefined) throw new Error("the session has no process");
  return [pid, ...descendants(pid)].flatMap((p) => {
    try {
      return [readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").join(" ")];
    } catch {
      return []; // gone since it was listed
    }
  });
}

// What lets each CLI call the tool without asking (Claude Code refuses to bypass as root).
const allowed = (provider: CliName, tool: string): Partial<SessionSpec> =>
  provider === "claude" ? { allowedTools: [tool] } : provider === "codex" ? {} : { permissionMode: "yolo" };

// The turn's end, or the session's: a CLI that exits is a failure told at once.
const ended = (h: Harness, step: string, timeoutMs = 120_000): Promise<Ended> =>
  h.next(step, (e): e is Ended => e.type === "turn_end" || e.type === "exit", 0, timeoutMs);

// The turn that calls the tool: Claude Code and Qwen Code show MCP tools to the model only once
// found with their tool search, and Qwen Code then calls one through its `tool_call` bridge
// (Codex's fake makes its search itself; Gemini CLI lists them).
const calling = (provider: CliName, tool: string): string => {
  const search = (name: string): string => `[[tool:${name}|${JSON.stringify({ query: `select:${tool}` })}]]`;
  if (provider === "claude") return `${search("ToolSearch")}[[tool:${tool}|{}]]`;
  if (provider === "qwen") return `${search("tool_search")}[[tool:tool_call|${JSON.stringify({ name: tool, arguments: {} })}]]`;
  return `[[tool:${tool}|{}]]`;
};

const reachedModel = (h: Harness, text: string): boolean => h.fake.requests.some((r) => JSON.stringify(r.body).includes(text));

// A user's own MCP servers, given to each real CLI: their secrets reach the server (env, headers)
// and, through its tool, the model, but no command line; a server that cannot start is told.
describe("a user's MCP servers", () => {
  let h: Harness | undefined;
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    await h?.close();
    h = undefined;
    for (const c of cleanups.splice(0)) await c();
  });

  for (const provider of ["claude", "codex", "gemini", "qwen"] as const satisfies readonly CliName[]) {
    it(`${provider}: a stdio server gets its env, its tool answers the model, and the secret is on no command line`, { timeout: 180_000 }, async () => {
      const secret = `secret-xyz-${provider}-4417`;
      const notes = notesStdioServer(secret);
      cleanups.push(() => {
        notes.cleanup();
      });
      h = await harness(provider);
      const tool = mcpToolName(provider, "notes", NOTES_TOOL);
      const session = h.start({ mcpServers: [notes.spec], ...allowed(provider, tool) });
      session.send(calling(provider, tool));
      expect(await ended(h, "the notes tool's turn", 150_000)).toMatchObject({ type: "turn_end", isError: false });
      expect(reachedModel(h, `note: ${secret}`)).toBe(true);
      const lines = commandLines(session);
      expect(lines.some((l) => l.includes(notes.spec.args[0] ?? "?"))).toBe(true);
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    });
  }

  it("claude: an HTTP server gets its Authorization header from the private config, never the command line", { timeout: 120_000 }, async () => {
    const token = "tok-http-9921";
    const notes = await startNotesHttpServer("secret-http-5530", token);
    cleanups.push(() => notes.stop());
    h = await harness("claude");
    const tool = mcpToolName("claude", "notes", NOTES_TOOL);
    const session = h.start({ mcpServers: [notes.spec], allowedTools: [tool] });
    session.send(calling("claude", tool));
    expect(await ended(h, "the HTTP notes tool's turn")).toMatchObject({ type: "turn_end", isError: false });
    expect(notes.calls).toBe(1);
    expect(reachedModel(h, "note: secret-http-5530")).toBe(true);
    expect(commandLines(session).filter((l) => l.includes(token))).toEqual([]);
    expect(h.events).toContainEqual({ type: "mcp_status", server: "notes", status: "connected" });
  });

  for (const provider of ["claude", "codex"] as const) {
    it(`${provider}: a server whose command does not exist is told as failed`, { timeout: 120_000 }, async () => {
      h = await harness(provider);
      const session = h.start({ mcpServers: [{ name: "broken", command: join(h.env.home, "no-such-server"), args: [], env: {} }] });
      session.send("hello there");
      const failed = await h.next("the failed server", (e): e is McpStatus => e.type === "mcp_status" && e.status === "failed");
      expect(failed.server).toBe("broken");
      await h.turnEnd("the turn");
    });
  }

  // Over ACP neither says anything of a server that failed (Gemini CLI and Qwen Code log it to their
  // own stderr): the session goes on without it, and no status is reported.
  for (const provider of ["gemini", "qwen"] as const) {
    it(`${provider}: a server whose command does not exist leaves the session working, untold`, { timeout: 120_000 }, async () => {
      h = await harness(provider);
      const session = h.start({ mcpServers: [{ name: "broken", command: join(h.env.home, "no-such-server"), args: [], env: {} }] });
      session.send("hello there");
      expect(await ended(h, "the turn")).toMatchObject({ type: "turn_end", isError: false });
      expect(h.events.filter((e) => e.type === "mcp_status")).toEqual([]);
    });
  }
});
