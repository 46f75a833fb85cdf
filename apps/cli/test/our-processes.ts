import { readFileSync } from "node:fs";
import { bin } from "./e2e.js";

// Which processes are subagent-mcp servers, read from /proc: a test's check that a CLI started no
// server of ours (it was handed our tools instead).

/** A process's command line, split; empty once it is gone. */
export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, "utf8")
      .split("\0")
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** A subagent-mcp server process: our binary (as setup registers it, or installed) with no command or `mcp` (a hook of ours, `hook claude`, is not one). */
export function isOurServer(args: string[]): boolean {
  const at = args.findIndex((a) => a === bin || a === "subagent-mcp" || a.endsWith("/subagent-mcp"));
  return at >= 0 && (args[at + 1] === undefined || args[at + 1] === "mcp");
}
