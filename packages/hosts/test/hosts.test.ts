import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { SERVER_NAME } from "../src/host.js";
import { codexHookHash } from "../src/hosts/codex-hooks.js";
import { hostAdapter, HOSTS } from "../src/registry.js";
import { hooksOf, serverOf } from "./hosts.js";

const CMD = "/usr/bin/node /x/main.js";
// What a host runs: the shell answers for a sub-agent, the orchestrator's event reaches our CLI.
const hook = (host: string) => `[ "\${SUBAGENT_MCP_DEPTH:-0}" -gt 0 ] 2>/dev/null && exit 0; exec ${CMD} hook ${host}`;

describe("Claude Code hooks in settings.json", () => {
  it("adds ours beside the user's hooks, is idempotent, and removes only ours", () => {
    const claude = hooksOf("claude");
    const text =
      '{\n  // mine\n  "hooks": {\n    "PreToolUse": [\n      { "matcher": "Bash", "hooks": [{ "type": "command", "command": "my-guard" }] }\n    ]\n  }\n}\n';
    const added = claude.add(text, CMD, "/h/.claude/settings.json");
    const parsed = JSON.parse(added.replace("// mine\n", "")) as { hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };
    expect(parsed.hooks.PreToolUse?.map((h) => h.matcher)).toEqual(["Bash", "Task|Agent"]);
    expect(parsed.hooks.UserPromptSubmit?.[0]?.hooks[0]?.command).toBe(hook("claude"));
    expect([parsed.hooks.Stop?.[0]?.hooks[0]?.command, parsed.hooks.SessionStart?.[0]?.hooks[0]?.command]).toEqual([hook("claude"), hook("claude")]);
    expect(claude.add(added, CMD, "/h/.claude/settings.json")).toBe(added);
    const removed = claude.remove(added);
    expect(removed).toContain("my-guard");
    expect(removed).toContain("// mine");
    expect(removed).not.toContain("hook claude");
  });
});

describe("Gemini CLI hooks in settings.json", () => {
  it("adds BeforeAgent and an anchored BeforeTool beside the user's hooks, idempotently, and removes only ours", () => {
    const gemini = hooksOf("gemini");
    const text =
      '{\n  // mine\n  "hooks": {\n    "BeforeTool": [\n      { "matcher": "run_shell_command", "hooks": [{ "type": "command", "command": "my-guard" }] }\n    ]\n  }\n}\n';
    const added = gemini.add(text, CMD, "/h/.gemini/settings.json");
    const parsed = JSON.parse(added.replace("// mine\n", "")) as {
      hooks: Record<string, { matcher?: string; hooks: { command: string; timeout: number }[] }[]>;
    };
    expect(parsed.hooks.BeforeTool?.map((h) => h.matcher)).toEqual(["run_shell_command", "^(invoke_agent)$"]);
    expect(parsed.hooks.BeforeAgent?.[0]?.hooks[0]).toMatchObject({ command: hook("gemini"), timeout: 10_000 });
    expect(parsed.hooks.AfterAgent?.[0]?.hooks[0]).toMatchObject({ command: hook("gemini") });
    expect(parsed.hooks.SessionStart?.[0]?.hooks[0]).toMatchObject({ command: hook("gemini") });
    expect(gemini.add(added, CMD, "/h/.gemini/settings.json")).toBe(added);
    expect(gemini.remove(added)).toBe(text);
  });
});

describe("Codex hooks in config.toml", () => {
  it("adds both hooks with trust entries keyed after the user's own groups, and removes only them", () => {
    const codex = hooksOf("codex");
    const text = '# mine\n[[hooks.PreToolUse]]\nmatcher = "Bash"\n[[hooks.PreToolUse.hooks]]\ntype = "command"\ncommand = "my-guard"\n';
    const added = codex.add(text, CMD, "/h/.codex/config.toml");
    const parsed = parse(added) as { hooks: { PreToolUse: unknown[]; UserPromptSubmit: unknown[]; state: Record<string, { trusted_hash: string }> } };
    expect(parsed.hooks.PreToolUse).toHaveLength(2);
    expect(parsed.hooks.state["/h/.codex/config.toml:pre_tool_use:1:0"]?.trusted_hash).toBe(
      codexHookHash("pre_tool_use", "spawn_agent|collaborationspawn_agent", hook("codex"), 10),
    );
    expect(parsed.hooks.state["/h/.codex/config.toml:user_prompt_submit:0:0"]).toBeDefined();
    expect(parsed.hooks.state["/h/.codex/config.toml:stop:0:0"]?.trusted_hash).toBe(codexHookHash("stop", undefined, hook("codex"), 10));
    expect(parsed.hooks.state["/h/.codex/config.toml:session_start:0:0"]).toBeDefined();
    expect(codex.add(added, CMD, "/h/.codex/config.toml")).toBe(added);
    expect(codex.remove(added)).toBe(text);
  });

  it("computes Codex 0.169's trust hash (values read back from its hooks/list)", () => {
    expect(codexHookHash("pre_tool_use", "spawn_agent", "/usr/bin/node /x/main.js hook codex", 10)).toBe(
      "sha256:2e6d31337d48247c21b4fbfc5174bf69b1e7992cf48a32a32c9a506025fbb715",
    );
    expect(codexHookHash("user_prompt_submit", undefined, "/usr/bin/node /x/main.js hook codex", 10)).toBe(
      "sha256:40933e3219fbccb1de7c8cd74a2a22f8a658195b289e0fda1b0e4fd9f03813b5",
    );
  });
});

describe("each host's adapter reads back what it added", () => {
  const launch = { command: "/usr/bin/node", args: ["/x/main.js"] };
  for (const host of HOSTS.filter((h) => hostAdapter(h).hooks !== undefined)) {
    it(`${host}: our server entry and the events our hooks are on, none once removed`, () => {
      const server = serverOf(host);
      const hooks = hooksOf(host);
      const path = `/h/${host}/config`;
      const installed = hooks.add(server.add("", launch), CMD, path);
      expect(server.read(installed)).toMatchObject({ command: launch.command, args: launch.args });
      expect(hooks.read(installed)).toHaveLength(4);
      expect(hooks.read(server.remove(installed))).toEqual(hooks.read(installed));
      const none = server.remove(hooks.remove(installed));
      expect([server.read(none), hooks.read(none)]).toEqual([undefined, []]);
      // The user's own server of another name is not ours.
      expect(server.read(server.add("", launch).split(SERVER_NAME).join("theirs"))).toBeUndefined();
    });
  }
  for (const host of HOSTS.filter((h) => hostAdapter(h).hooks === undefined)) {
    it(`${host}: our server entry (no hooks), none once removed`, () => {
      const server = serverOf(host);
      const installed = server.add("", launch);
      expect(JSON.stringify(server.read(installed))).toContain(JSON.stringify(launch.args.at(-1)));
      expect(server.read(server.remove(installed))).toBeUndefined();
      expect(server.read(installed.split(SERVER_NAME).join("theirs"))).toBeUndefined();
    });
  }
});
