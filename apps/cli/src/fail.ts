/** Ends the command with a one-line message on stderr and exit code 2 (bad usage): no stack trace. */
export function fail(message: string): never {
  process.stderr.write(`subagent-mcp: ${message}\n`);
  process.exit(2);
}
