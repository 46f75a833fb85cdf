import { execa } from "execa";
import { bin } from "./e2e.js";

/** The built `subagent-mcp dashboard`, running, and the URL it printed. */
export interface DashboardCli {
  url: string;
  pid: number;
  stderr: () => string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `subagent-mcp dashboard` with `env` in `cwd` and resolves with the URL on its stdout (rejects if it exits first). */
export async function startDashboardCli(env: Record<string, string>, cwd: string): Promise<DashboardCli> {
  const proc = execa(process.execPath, [bin, "dashboard"], { cwd, env, extendEnv: false, reject: false });
  let stdout = "";
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(http:\/\/\S+)\n/m.exec(stdout)?.[1];
      if (line !== undefined) resolve(line);
    });
    void proc.then((r) => {
      reject(new Error(`subagent-mcp dashboard exited (${String(r.exitCode)}): ${stdout}${stderr}`));
    });
  });
  return {
    url,
    pid: proc.pid ?? 0,
    stderr: () => stderr,
    async stop() {
      proc.kill("SIGTERM");
      await proc;
    },
  };
}
