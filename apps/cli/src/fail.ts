/** Ends the command with a one-line message on stderr and exit code 2 (bad usage) or `code`: no stack trace. */
export function fail(message: string, code = 2): never {
  process.stderr.write(`subagent-mcp: ${message}\n`);
  process.exit(code);
}
