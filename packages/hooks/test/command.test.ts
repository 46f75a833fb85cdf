import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { handlerCommand, handlerMark } from "../src/command.js";
import { HOOK_HOSTS } from "../src/events.js";

// The shells hosts run a hook command with: Claude Code's /bin/sh, Gemini CLI's bash, and Codex's
// user shell (bash, zsh or sh). One not installed here is skipped.
const SHELLS = ["sh", "bash", "zsh"].filter((shell) => spawnSync(shell, ["-c", "exit 0"]).status === 0);

// A PATH whose `node` and `subagent-mcp` record that they started (in `marker`), echo what they
// were given, and exit 7.
function stubs(): { dir: string; path: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), "hook-command-"));
  const marker = join(dir, "started");
  for (const name of ["node", "subagent-mcp"]) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${marker}"\necho "${name} started" >&2\ncat\nexit 7\n`);
    chmodSync(file, 0o755);
  }
  return { dir, path: `${dir}:/usr/bin:/bin`, marker };
}

function run(shell: string, command: string, env: Record<string, string>) {
  const { dir, path, marker } = stubs();
  // An empty HOME: bash reads ~/.bashrc when its stdin is a socket, as Node's pipes are.
  const result = spawnSync(shell, ["-c", command], { env: { PATH: path, HOME: dir, ...env }, input: '{"hook_event_name":"Stop"}', encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, started: existsSync(marker) ? readFileSync(marker, "utf8") : undefined };
}

describe("the hook command hosts run", () => {
  it("ends in `<cli> hook <host>`, the mark setup tells ours by", () => {
    for (const host of HOOK_HOSTS) expect(handlerCommand("node /x/main.js", host).endsWith(`node /x/main.js${handlerMark(host)}`)).toBe(true);
  });

  for (const shell of SHELLS) {
    describe(`through ${shell} -c`, () => {
      for (const depth of ["1", "2", "12"])
        it(`starts nothing in a sub-agent (depth ${depth}): no output, exit 0`, () => {
          for (const cli of ["subagent-mcp", 'node "/opt/subagent mcp/main.js"'])
            expect(run(shell, handlerCommand(cli, "claude"), { SUBAGENT_MCP_DEPTH: depth })).toEqual({ status: 0, stdout: "", stderr: "", started: undefined });
        });

      for (const [label, env] of [
        ["unset", {}],
        ["0", { SUBAGENT_MCP_DEPTH: "0" }],
        ["empty", { SUBAGENT_MCP_DEPTH: "" }],
        // Not a number: the handler decides, as it always has.
        ["not a number", { SUBAGENT_MCP_DEPTH: "x" }],
      ] as const)
        it(`runs the CLI in the orchestrator (depth ${label}) with the event on stdin, and passes on its exit code`, () => {
          expect(run(shell, handlerCommand("subagent-mcp", "gemini"), env)).toEqual({
            status: 7,
            stdout: '{"hook_event_name":"Stop"}',
            stderr: "subagent-mcp started\n",
            started: "subagent-mcp hook gemini\n",
          });
        });
    });
  }
});
