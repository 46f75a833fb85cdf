import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mcpToolName } from "@subagent-mcp/drivers";
import { NOTES_TOOL, notesStdioServer } from "@subagent-mcp/testkit";
import { bin, startE2E, waitFor, type E2E } from "./e2e.js";

// A Gemini CLI sub-agent in a HOME whose settings hold our entry is handed our tools under an alias,
// and its process gets an allow-list of MCP server names so that the entry of ours starts no server
// of its own. Gemini CLI applies that list to its extensions' servers too: the user's other
// extensions must be on it, or the sub-agent silently loses their tools. And a server the user's
// `mcp.excluded` keeps out stays out with the list given.

const SECRET = "ext-note-5521";
const HIDDEN = "hidden-note-8803";
let e: E2E | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await e?.close();
  e = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("a Gemini CLI sub-agent handed our tools keeps the user's extensions' servers", () => {
  it("calls a tool of the user's extension, and a server mcp.excluded names is not started", { timeout: 240_000 }, async () => {
    const notes = notesStdioServer(SECRET);
    const hidden = notesStdioServer(HIDDEN, "hidden");
    cleanups.push(
      () => {
        notes.cleanup();
      },
      () => {
        hidden.cleanup();
      },
    );
    const s = (e = await startE2E({}, (env) => {
      const home = env.env.HOME as string;
      // Our entry in the user's settings, as setup writes it (a CLI would start a server of ours from it).
      const file = join(home, ".gemini", "settings.json");
      const settings = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const { name: _hidden, ...hiddenServer } = hidden.spec;
      const mcpServers = { "subagent-mcp": { command: process.execPath, args: [bin, "mcp"] }, hidden: hiddenServer };
      writeFileSync(file, JSON.stringify({ ...settings, mcp: { excluded: ["hidden"] }, mcpServers }, null, 2));
      // The user's own extension, bringing the notes server.
      const extension = join(home, ".gemini", "extensions", "notes-ext");
      mkdirSync(extension, { recursive: true });
      const { name: _notes, ...notesServer } = notes.spec;
      writeFileSync(join(extension, "gemini-extension.json"), JSON.stringify({ name: "notes-ext", version: "1.0.0", mcpServers: { notes: notesServer } }));
    }));
    const tool = mcpToolName("gemini", "notes", NOTES_TOOL);
    const hiddenTool = mcpToolName("gemini", "hidden", NOTES_TOOL);
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "gemini",
      prompt: `Read the note. [[tool:${tool}|{}]] [[tool:${hiddenTool}|{}]] [[say:Read it.]]`,
      allowed_tools: ["mcp__notes__notes_get", "mcp__hidden__notes_get"],
    });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    const requests = s.fakes.gemini.requests;
    // It was handed ours (by its alias), so the user's entry of ours started nothing.
    expect(requests.some((r) => r.tools.includes("mcp_subagent_mcp_launch_agent"))).toBe(true);
    expect(requests.some((r) => r.tools.includes(tool))).toBe(true);
    expect(requests.some((r) => JSON.stringify(r.messages).includes(`note: ${SECRET}`))).toBe(true);
    expect(requests.some((r) => r.tools.includes(hiddenTool))).toBe(false);
    expect(JSON.stringify(requests.map((r) => r.messages))).not.toContain(HIDDEN);
    await s.call("kill_agent", { agent_id });
  });
});
