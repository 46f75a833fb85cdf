// Why: OpenCode (1.18) gives its bash tool's result as `rawOutput: { output, metadata }`, the
// metadata's `exit` the command's exit code, or null when OpenCode ended it (its timeout); its
// content text is the bare output and states no code.

/** The exit code in OpenCode's bash result metadata; undefined where there is none. */
export function opencodeExitCode(rawOutput: unknown): number | null | undefined {
  if (typeof rawOutput !== "object" || rawOutput === null) return undefined;
  const metadata = (rawOutput as { metadata?: unknown }).metadata;
  if (typeof metadata !== "object" || metadata === null || !("exit" in metadata)) return undefined;
  const exit = metadata.exit;
  if (exit === null) return null;
  return typeof exit === "number" && Number.isInteger(exit) ? exit : undefined;
}
