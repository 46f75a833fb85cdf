// Which sandbox this machine can give a CLI, found once per process by trying it: a bubblewrap that
// is installed but cannot make namespaces here (a container without user namespaces, a kernel that
// forbids them) is no sandbox, and saying so beats a launch that fails.
import { execFile, spawnSync } from "node:child_process";
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

/** How a probe ran: its exit status (null: it could not run or was stopped), what it said, or why it could not start. */
interface Tried {
  status: number | null;
  stderr: string;
  error?: Error | undefined;
}

function runNow(file: string, args: string[]): Tried {
  const out = spawnSync(file, args, { timeout: 10_000, encoding: "utf8" });
  return { status: out.status, stderr: out.stderr, error: out.error };
}

function runLater(file: string, args: string[]): Promise<Tried> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, encoding: "utf8" }, (error, _stdout, stderr) => {
      resolve({
        status: error === null ? 0 : typeof error.code === "number" ? error.code : null,
        stderr,
        error: typeof error?.code === "string" ? error : undefined,
      });
    });
  });
}

/** Tries the sandbox this platform has (a few ms, once); `env` is the server's. */
export function detectSandbox(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): SandboxStatus {
  const probe = probeFor(env, platform);
  return "kind" in probe ? probe : judge(probe, runNow(probe.file, probe.args), env);
}

/** {@link detectSandbox} without blocking: for a server that finds it in the background. */
export async function detectSandboxLater(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): Promise<SandboxStatus> {
  const probe = probeFor(env, platform);
  return "kind" in probe ? probe : judge(probe, await runLater(probe.file, probe.args), env);
}

interface Probe {
  file: string;
  args: string[];
  found: SandboxStatus["kind"];
  what: string;
}

// The command that proves the sandbox works here, or the status when there is nothing to try.
function probeFor(env: Record<string, string | undefined>, platform: NodeJS.Platform): Probe | SandboxStatus {
  const inherited = env[SANDBOXED_ENV];
  if (platform === "darwin") {
    const file = onPath("sandbox-exec", env) ?? "/usr/bin/sandbox-exec";
    return { file, args: ["-p", "(version 1)(allow default)", "/usr/bin/true"], found: "sandbox-exec", what: "sandbox-exec did not run" };
  }
  if (platform !== "linux") return none(inherited, `no OS sandbox on ${platform}`);
  const file = onPath("bwrap", env);
  if (file === undefined) return none(inherited, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap");
  return { file, args: [...BWRAP_BASE, "--", "true"], found: "bwrap", what: "bubblewrap cannot make a sandbox here" };
}

function judge(probe: Probe, tried: Tried, env: Record<string, string | undefined>): SandboxStatus {
  if (tried.status === 0) return { kind: probe.found, executable: probe.file };
  const said = tried.error?.message ?? (tried.stderr.trim().split("\n")[0] || `exit ${String(tried.status)}`);
  return none(env[SANDBOXED_ENV], `${probe.what}: ${said}`);
}

// Inside one of our sandboxes no other can be made (user namespaces are off there): that one holds.
function none(inherited: string | undefined, reason: string): SandboxStatus {
  if (inherited !== undefined && inherited !== "" && inherited !== "none")
    return { kind: "inherited", reason: `inside the ${inherited} sandbox of the server that launched this one` };
  return { kind: "none", reason };
}
