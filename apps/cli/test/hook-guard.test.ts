import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DIRECTIVE, setOrchestrating } from "@subagent-mcp/hooks";
import { stateDir } from "@subagent-mcp/state";
import { bin } from "./e2e.js";

// The hook commands `setup` registers, run the way each host runs them (Claude Code: /bin/sh -c;
// Codex and Gemini CLI: bash -c), with orchestration mode on: in a sub-agent the shell answers and
// no Node process starts; in the orchestrator our real handler answers.

let root: string;
let home: string;
let env: Record<string, string>;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "subagent-mcp-hook-guard-"));
  home = join(root, "home");
  for (const dir of [".claude", ".codex", ".gemini"]) mkdirSync(join(home, dir), { recursive: true });
  env = { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, ".local", "state"), CODEX_HOME: join(home, ".codex") };
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

// Each host's registered command for its prompt event, read back from the file setup wrote.
function registered(): { host: string; shell: string; event: string; command: string }[] {
  const json = (path: string, event: string) =>
    (JSON.parse(readFileSync(join(home, path), "utf8")) as { hooks: Record<string, { hooks: { command: string }[] }[]> }).hooks[event]?.[0]?.hooks[0]
      ?.command ?? "";
  // Our block's commands are TOML basic strings, which setup writes as JSON strings.
  const toml = /^command = (".* hook codex")$/m.exec(readFileSync(join(home, ".codex", "config.toml"), "utf8"))?.[1] ?? '""';
  return [
    { host: "claude", shell: "sh", event: "UserPromptSubmit", command: json(".claude/settings.json", "UserPromptSubmit") },
    { host: "codex", shell: "bash", event: "UserPromptSubmit", command: JSON.parse(toml) as string },
    { host: "gemini", shell: "bash", event: "BeforeAgent", command: json(".gemini/settings.json", "BeforeAgent") },
  ];
}

// A Node that records its start in `marker` and fails loudly.
function loudNode(): { path: string; marker: string } {
  const path = join(root, "loud-node");
  const marker = join(root, "node-started");
  writeFileSync(path, `#!/bin/sh\necho started >> "${marker}"\necho "node must not start here" >&2\nexit 97\n`);
  chmodSync(path, 0o755);
  return { path, marker };
}

describe("the registered hook commands", () => {
  it("start no Node process in a sub-agent, and run the real handler in the orchestrator", { timeout: 60_000 }, async () => {
    const setup = await execa(process.execPath, [bin, "setup", "--host", "claude,codex,gemini"], { cwd: root, env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    setOrchestrating(stateDir({ home, env }), root, true);
    const loud = loudNode();
    for (const { host, shell, event, command } of registered()) {
      expect(command, host).toContain(`${process.execPath} ${bin} hook ${host}`);
      const input = JSON.stringify({ hook_event_name: event, cwd: root, session_id: "s1", prompt: "hi" });
      const run = (text: string, extra: Record<string, string>) =>
        execa(shell, ["-c", text], { cwd: root, env: { ...env, ...extra }, extendEnv: false, input, reject: false });

      // A sub-agent: the very text setup wrote, its Node swapped for one that would fail loudly.
      const sub = await run(command.replace(process.execPath, loud.path), { SUBAGENT_MCP_DEPTH: "1" });
      expect([sub.exitCode, sub.stdout, sub.stderr], host).toEqual([0, "", ""]);
      expect(existsSync(loud.marker), host).toBe(false);

      // The orchestrator (depth unset or 0): the text as written reaches our handler.
      for (const extra of [{}, { SUBAGENT_MCP_DEPTH: "0" }] as Record<string, string>[]) {
        const top = await run(command, extra);
        expect(top.exitCode, `${host}: ${top.stderr}`).toBe(0);
        expect(top.stdout, host).toContain(DIRECTIVE.slice(0, 40));
      }
    }
  });
});
