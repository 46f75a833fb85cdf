// Finds the runs of our CLI in shell text: `subagent-mcp` as the command of a shell segment (maybe
// after a launcher: npx, pnpm exec, env VAR=1 ...), with its command words and flags. The package
// name elsewhere (`npm install -g subagent-mcp`, `claude plugin uninstall subagent-mcp@x`) is no run.

const LAUNCHERS = new Set([
  "npx",
  "pnpx",
  "bunx",
  "pnpm",
  "npm",
  "yarn",
  "exec",
  "dlx",
  "-y",
  "--yes",
  "--",
  "sudo",
  "env",
  "time",
  "command",
  "$",
  ">",
  "nohup",
]);
const WORD = /^[a-z][a-z0-9-]*$/;

/** Each run of `subagent-mcp` in `code`: its offset, command words (`worker start`) and flags. `consoleOnly`: only `$ ` lines. */
export function cliInvocations(code, consoleOnly) {
  const runs = [];
  // Comments out, continuation lines joined (offsets kept by replacing with spaces).
  let text = code.replace(/(^|\s)#[^\n]*/g, (m) => m.replace(/[^\n]/g, " ")).replace(/\\\n/g, "  ");
  if (consoleOnly) text = text.replace(/^(?!\s*\$ )[^\n]*/gm, (m) => " ".repeat(m.length));
  const segment = /[^\n;&|()`]+/g;
  for (const m of text.matchAll(segment)) {
    const tokens = [...m[0].matchAll(/\S+/g)];
    const at = tokens.findIndex((t) => /^subagent-mcp(@\S+)?$/.test(t[0]));
    if (at === -1) continue;
    const before = tokens.slice(0, at).map((t) => t[0]);
    if (!before.every((w) => LAUNCHERS.has(w) || /^[A-Z_][A-Z0-9_]*=/.test(w))) continue;
    if (tokens[at][0].includes("@") && !before.some((w) => /^(npx|pnpx|bunx|dlx|exec)$/.test(w))) continue;
    const run = parseArgs(tokens.slice(at + 1).map((t) => t[0]));
    if (run !== undefined) runs.push({ offset: m.index + tokens[at].index, ...run });
  }
  return runs;
}

// Leading lowercase words are the command; then flags until a redirection or `--`. A placeholder in
// the command's place (`<command>`, `COMMAND`) leaves nothing to check.
function parseArgs(args) {
  const clean = args.map((a) => a.replace(/^["'[]+|["'\]]+$/g, "")).filter((a) => a !== "" && a !== "...");
  const words = [];
  let i = 0;
  while (i < clean.length && WORD.test(clean[i])) words.push(clean[i++]);
  if (words.length === 0 && i < clean.length && !clean[i].startsWith("-")) return undefined;
  const flags = [];
  for (; i < clean.length; i++) {
    const arg = clean[i];
    if (arg === "--" || /^\d*[<>]/.test(arg)) break;
    for (const part of arg.split("|")) {
      if (/^--?[A-Za-z][A-Za-z0-9-]*(=.*)?$/.test(part)) flags.push(part.replace(/=.*$/, ""));
    }
  }
  return { words, flags };
}
