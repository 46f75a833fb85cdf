// Which sandbox this machine can give a CLI, found once per process by trying it: a bubblewrap that
// is installed but cannot make namespaces here (a container without user namespaces, a kernel that
// forbids them) is no sandbox, and saying so beats a launch that fails.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { SandboxStatus } from "@subagent-mcp/contract";
import { BWRAP_BASE } from "./bwrap.js";

/** The variable a sandboxed CLI gets (and the nested server it starts): which sandbox holds it. */
export const SANDBOXED_ENV = "SUBAGENT_MCP_SANDBOXED";

function onPath(name: string, env: Record<string, string | undefined>): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Tries the sandbox this platform has (a few ms, once); `env` is the server's. */
export function detectSandbox(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): SandboxStatus {
  const inherited = env[SANDBOXED_ENV];
  if (platform === "darwin") {
    const executable = onPath("sandbox-exec", env) ?? "/usr/bin/sandbox-exec";
    const tried = spawnSync(executable, ["-p", "(version 1)(allow default)", "/usr/bin/true"], { timeout: 10_000 });
    return tried.status === 0 ? { kind: "sandbox-exec", executable } : none(inherited, `sandbox-exec did not run: ${firstLine(tried)}`);
  }
  if (platform !== "linux") return none(inherited, `no OS sandbox on ${platform}`);
  const executable = onPath("bwrap", env);
  if (executable === undefined) return none(inherited, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap");
  const tried = spawnSync(executable, [...BWRAP_BASE, "--", "true"], { timeout: 10_000 });
  return tried.status === 0 ? { kind: "bwrap", executable } : none(inherited, `bubblewrap cannot make a sandbox here: ${firstLine(tried)}`);
}

// Inside one of our sandboxes no other can be made (user namespaces are off there): that one holds.
function none(inherited: string | undefined, reason: string): SandboxStatus {
  if (inherited !== undefined && inherited !== "" && inherited !== "none")
    return { kind: "inherited", reason: `inside the ${inherited} sandbox of the server that launched this one` };
  return { kind: "none", reason };
}

function firstLine(result: ReturnType<typeof spawnSync>): string {
  if (result.error !== undefined) return result.error.message;
  const text = String(result.stderr).trim().split("\n")[0] ?? "";
  return text === "" ? `exit ${String(result.status ?? result.signal)}` : text;
}
