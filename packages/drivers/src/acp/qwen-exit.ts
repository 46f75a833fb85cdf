// Why: Qwen Code (0.24) gives a shell call's result as a structured `rawOutput` of type
// "shell_result": `exitCode` (a number, or null) and `signal` (null unless a signal ended it, when
// its `exitCode` is 0 anyway). Its content text repeats it ("Exit Code: N"), but the object is exact.

/** The exit code in Qwen Code's `shell_result`: null when a signal ended the command; undefined for anything else. */
export function qwenExitCode(rawOutput: unknown): number | null | undefined {
  if (typeof rawOutput !== "object" || rawOutput === null) return undefined;
  const raw = rawOutput as { type?: unknown; exitCode?: unknown; signal?: unknown };
  if (raw.type !== "shell_result") return undefined;
  if (raw.signal !== null && raw.signal !== undefined) return null;
  return typeof raw.exitCode === "number" && Number.isInteger(raw.exitCode) ? raw.exitCode : null;
}
