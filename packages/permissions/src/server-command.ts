// An MCP server given to a sub-agent with a `command` is a process its CLI starts with nobody to
// ask: a request that writes one out makes us run that command. So it is judged as a check is,
// as the shell line its command and arguments make (a wrapper such as `sh -c '...'` read through).
import { judgeCommand, type CheckScope } from "./check-judgement.js";

// Words the shell reads as they are; any other is single-quoted.
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `command` and `args` as one shell line that runs them: each word quoted where the shell would read it otherwise. */
function shellLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((word) => (PLAIN.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/**
 * Throws PERMISSION_ABOVE_CEILING when the stdio MCP server `server` may not be started for a
 * launch here (`what`: the tool or definition asking): a deny or ask rule of `scope` matches its
 * command line, or, on a nested server, the ceiling does not cover it as `Bash(<line>)`.
 */
export function judgeServerCommand(what: string, server: { name: string; command: string; args: readonly string[] }, scope: CheckScope): void {
  const line = shellLine(server.command, server.args);
  judgeCommand(what, line, scope, {
    named: `the MCP server "${server.name}": its command \`${line}\``,
    kind: "an MCP server's command",
    drop: "the server",
    without: `launched without the MCP server "${server.name}"`,
  });
}
