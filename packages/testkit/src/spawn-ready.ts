import { execa, type ResultPromise } from "execa";

/** A started process and its stderr so far. */
export interface ReadyProcess {
  proc: ResultPromise;
  stderr: () => string;
}

/**
 * Runs `node ARGS` in `cwd` with exactly `env` (nothing inherited), and resolves once its stderr
 * holds `ready`; rejects, naming it `what`, if it exits first. `onSpawn` gets the process at once
 * (for a clean-up that must end it even if it never gets ready).
 */
export async function spawnReady(
  args: string[],
  where: { cwd: string; env: Record<string, string | undefined> },
  ready: string,
  what: string,
  onSpawn?: (proc: ResultPromise) => void,
): Promise<ReadyProcess> {
  const proc = execa(process.execPath, args, { cwd: where.cwd, env: where.env, extendEnv: false, reject: false });
  onSpawn?.(proc);
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    proc.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(ready)) resolve();
    });
    void proc.then((r) => {
      reject(new Error(`${what} exited early (${String(r.exitCode)}): ${stderr}`));
    });
  });
  // Wrapped: an async function returning the process itself would wait for it to end.
  return { proc, stderr: () => stderr };
}
