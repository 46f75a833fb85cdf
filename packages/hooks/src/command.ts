import { DEPTH_ENV } from "@subagent-mcp/contract";
import type { HookHost } from "./events.js";

// The hook command's text, as setup writes it into a host's settings and the plugins ship it.
//
// Every host runs it through a POSIX shell: Claude Code with `/bin/sh -c` (Git Bash on Windows),
// Codex with `-c` in the user's login shell when that is bash, zsh or sh (else in bash or zsh:
// never fish), Gemini CLI with `bash -c`. Hooks fire on every prompt, tool call, turn end and
// session start, in the sub-agents we launch as much as in the orchestrator, and a sub-agent never
// gets an orchestrator's directives: so the shell answers for it (DEPTH_ENV a positive integer)
// and no Node process starts. Any other value (unset, 0, not a number) reaches the handler, which
// decides as it always has (handlers.ts checks the depth again). The guard reads no stdin: all
// three hosts take a hook that exits without reading its input as a success. `exec` hands the
// shell's process to the handler, so a host's timeout signals the handler itself.
const SUBAGENT_EXIT = `[ "\${${DEPTH_ENV}:-0}" -gt 0 ] 2>/dev/null && exit 0;`;

/**
 * What every command of ours for `host` holds, the guarded one and the bare `<cli> hook <host>`
 * that earlier setups wrote: how setup, update and uninstall tell our hook entries from the user's.
 */
export function handlerMark(host: HookHost): string {
  return ` hook ${host}`;
}

/** The command a host runs for our hooks: our CLI (`cli`, a shell command line) with its `hook <host>` subcommand, behind the sub-agent guard. */
export function handlerCommand(cli: string, host: HookHost): string {
  return `${SUBAGENT_EXIT} exec ${cli}${handlerMark(host)}`;
}
