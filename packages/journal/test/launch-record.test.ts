import { describe, expect, it } from "vitest";
import { decodeLaunch, encodeLaunch, launchAsked, type LaunchEntry, type LaunchRecord } from "../src/index.js";
import { LaunchEntrySchema } from "../src/schema.js";
import { liveServer } from "./helpers.js";

// Every field of a launch entry set: a field the codec forgets in either direction shows here.
const full: LaunchEntry = {
  t: "launch",
  at: "2025-01-01T00:00:01.000Z",
  agent_id: "a1",
  server: liveServer("s1"),
  project: "/repo",
  provider: "codex",
  model: "gpt-5",
  effort: "high",
  cwd: "/repo/sub",
  label: "pool:reviewers#0",
  category: "review",
  pool: "reviewers",
  permission_mode: "acceptEdits",
  allowed_tools: ["Read", "Edit"],
  permissions: { allow: ["Bash(git *)"], deny: ["Bash(rm *)"], ask: ["WebFetch"] },
  system_prompt_append: "Be brief.",
  worktree: { path: "/wt/a", branch: "subagent/a", base: "main" },
  budget: { max_cost_usd: 1, max_tokens: 1000, max_turns: 3, max_seconds: 60 },
  lineage: ["top", "mid"],
  machine: "gpu-1",
  mcp_servers: [
    { name: "notes", from: "claude user (/home/u/.claude.json)", command: "node" },
    { name: "web", from: "inline", url: "https://mcp.example/" },
  ],
};

describe("the launch record's codec", () => {
  it("reads back every field it writes, both ways", () => {
    const record = decodeLaunch(full);
    expect(encodeLaunch(record)).toStrictEqual(full);
    expect(decodeLaunch(encodeLaunch(record))).toStrictEqual(record);
    expect(record).toMatchObject({ agentId: "a1", permissionMode: "acceptEdits", allowedTools: ["Read", "Edit"], systemPromptAppend: "Be brief." });
    // Every key of the entry is written (none dropped on the way).
    expect(Object.keys(encodeLaunch(record)).sort()).toEqual(Object.keys(LaunchEntrySchema.shape).sort());
  });

  it("leaves unset fields out, and writes a line the journal's schema reads", () => {
    const minimal: LaunchRecord = { at: full.at, agentId: "a2", server: full.server, project: "/p", provider: "claude", cwd: "/p", model: undefined };
    const entry = encodeLaunch(minimal);
    expect(entry).toStrictEqual({ t: "launch", at: full.at, agent_id: "a2", server: full.server, project: "/p", provider: "claude", cwd: "/p" });
    expect(LaunchEntrySchema.parse(JSON.parse(JSON.stringify(entry)))).toStrictEqual(entry);
    expect(decodeLaunch(entry)).toStrictEqual({ at: full.at, agentId: "a2", server: full.server, project: "/p", provider: "claude", cwd: "/p" });
  });

  it("takes what a launch request asked for, and nothing of the supervisor's", () => {
    const request = {
      provider: "claude",
      cwd: "/w",
      model: "opus",
      prompt: "hi",
      prepare: () => Promise.resolve(undefined),
      budget: { max_turns: 2 },
      pinned: true,
      // The specs a driver starts hold secrets: the journal never takes them from the request.
      mcpServers: [{ name: "notes", command: "node", args: [], env: { TOKEN: "secret" } }],
    };
    expect(launchAsked(request)).toStrictEqual({ provider: "claude", cwd: "/w", model: "opus", budget: { max_turns: 2 } });
  });
});
