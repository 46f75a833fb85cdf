// What a page names must exist in the generated reference. The rules look only where a name is
// unambiguous, to keep false alarms near zero:
// - env: any SUBAGENT_MCP_* word, anywhere (`*`, `<CLI>` and a trailing `_` are patterns);
// - CLI: `subagent-mcp <command> --flag` in a code span or a shell block (a command word of a
//   launcher such as npx, not a package name after `npm install`), and a code span that starts
//   with one of our commands and carries a flag (`doctor --mcp`);
// - tools: `mcp__<our server>__name` anywhere; a code span that is a call (`invoke {...}`,
//   `launch_agent(...)`), whose `{...}` keys must be parameters; a snake_case span whose first
//   word is a tool verb (`send_mesage`) and that is no parameter, output or config name;
// - config: a dotted code span whose first segment is a top-level config key, and the keys of a
//   JSON block whose top-level keys are mostly config keys.
import { cliInvocations } from "./invocations.mjs";

const SHELL = new Set(["sh", "bash", "shell", "zsh", "console", "shell-session"]);
const JSON_LANGS = new Set(["json", "jsonc", "json5"]);
const ENV = /SUBAGENT_MCP_(?:[A-Z0-9_*]|<[^>\s]+>)*/g;
// The benchmarks', test suite's and build's own knobs are no user settings: the reference leaves them out.
const DEV_ENV = /^SUBAGENT_MCP_(BENCH|TEST|BUNDLE)_/;
const OUR_TOOL = /mcp__[A-Za-z0-9_-]*subagent[A-Za-z0-9_-]*?__([a-z][a-z0-9_]*)/g;

/** The problems of one parsed page against the reference: `{ line, message }` each. */
export function mentionProblems(page, ref) {
  const problems = [];
  const report = (line, message) => problems.push({ line, message });
  const texts = [
    { text: page.prose, line: page.lineAt, offset: 0 },
    ...page.spans.map((s) => ({ text: s.code, line: () => page.lineAt(s.offset) })),
    ...page.blocks.map((b) => ({ text: b.code, line: (o) => b.line + 1 + countLines(b.code, o) })),
  ];
  for (const { text, line } of texts) {
    for (const m of text.matchAll(ENV)) if (!ref.hasEnv(m[0]) && !DEV_ENV.test(m[0])) report(line(m.index), `unknown environment variable ${m[0]}`);
    for (const m of text.matchAll(OUR_TOOL)) if (!ref.tools.has(m[1])) report(line(m.index), `unknown tool ${m[1]} (in ${m[0]})`);
  }
  for (const span of page.spans) {
    const line = page.lineAt(span.offset);
    for (const message of spanProblems(span.code, ref)) report(line, message);
  }
  for (const block of page.blocks) {
    if (SHELL.has(block.lang)) {
      for (const { offset, message } of invocationProblems(block.code, ref, block.lang === "console"))
        report(block.line + 1 + countLines(block.code, offset), message);
    }
    if (JSON_LANGS.has(block.lang)) for (const p of configBlockProblems(block, ref)) report(p.line, p.message);
  }
  return problems;
}

function countLines(text, offset) {
  let n = 0;
  for (let i = 0; i < offset; i++) if (text[i] === "\n") n++;
  return n;
}

function spanProblems(code, ref) {
  const problems = invocationProblems(code, ref, false).map((p) => p.message);
  // A span that starts with one of our commands and carries a flag: `doctor --mcp`, `setup [--dry-run]`.
  const words = code.trim().split(/\s+/);
  if (ref.commands.has(words[0]) && words[0] !== "node" && words.some((w) => /^\[?--?[a-z]/.test(w)) && !/\bsubagent-mcp\b/.test(code)) {
    problems.push(...invocationProblems(`subagent-mcp ${code}`, ref, false).map((p) => p.message));
  }
  problems.push(...toolSpanProblems(code.trim(), ref));
  if (/^[a-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_*<>{}[\]-]+)+$/.test(code.trim()) && ref.configTop.has(code.trim().split(".")[0]) && !ref.hasConfig(code.trim())) {
    problems.push(`unknown config key ${code.trim()}`);
  }
  return problems;
}

function invocationProblems(code, ref, consoleOnly) {
  const problems = [];
  for (const call of cliInvocations(code, consoleOnly)) {
    const words = call.words;
    let command;
    for (let n = words.length; n >= 0 && command === undefined; n--) if (ref.commands.has(words.slice(0, n).join(" "))) command = words.slice(0, n).join(" ");
    if (command === undefined || (command === "" && words.length > 0)) {
      problems.push({ offset: call.offset, message: `unknown command: subagent-mcp ${words.join(" ")}` });
      continue;
    }
    const flags = ref.flagsOf(command);
    for (const flag of call.flags) {
      const positive = flag.replace(/^--no-/, "--");
      if (!flags.has(flag) && !flags.has(positive))
        problems.push({ offset: call.offset, message: `unknown flag ${flag} of subagent-mcp${command === "" ? "" : ` ${command}`}` });
    }
  }
  return problems;
}

function toolSpanProblems(code, ref) {
  const m = /^([a-z][a-z0-9_]*)(\s*[({][\s\S]*)?$/.exec(code);
  if (m === null) return [];
  const [, name, rest = ""] = m;
  const call = rest.trim();
  if (ref.tools.has(name)) return call.startsWith("{") ? unknownParams(name, call, ref) : [];
  if (call.startsWith("{") || (call.startsWith("(") && name.includes("_"))) return [`unknown tool ${name} (called in \`${code}\`)`];
  if (call !== "" || !name.includes("_")) return [];
  const known = ref.fields.has(name) || ref.configSegments.has(name);
  return !known && ref.nearTool(name) ? [`unknown tool ${name} (a misspelt tool?)`] : [];
}

// The keys at the top level of a `{...}` argument object.
function unknownParams(tool, call, ref) {
  let flat = call.slice(1);
  for (let previous = ""; previous !== flat;) {
    previous = flat;
    flat = flat.replace(/\{[^{}]*\}|\[[^[\]]*\]|"(?:[^"\\]|\\.)*"(?!\s*:)/g, "0");
  }
  const params = ref.tools.get(tool).params;
  const keys = [...flat.matchAll(/(?:^|,)\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*:/g)].map((k) => k[1]);
  return keys.filter((k) => !params.has(k)).map((k) => `tool ${tool} has no parameter ${k}`);
}

/** Keys of a JSON block that reads as our config (most top-level keys are config keys) must be config keys. */
function configBlockProblems(block, ref) {
  let value;
  try {
    value = JSON.parse(block.code.replace(/^\s*\/\/.*$/gm, "").replace(/,(\s*[}\]])/g, "$1"));
  } catch {
    return [];
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  const top = Object.keys(value);
  if (top.length === 0 || top.filter((k) => ref.configTop.has(k)).length * 2 < top.length) return [];
  const problems = [];
  const lines = block.code.split("\n");
  const walk = (obj, path) => {
    for (const [key, inner] of Object.entries(obj)) {
      const full = [...path, key];
      if (!ref.hasConfig(full)) {
        const at = lines.findIndex((l) => l.includes(`"${key}"`));
        problems.push({ line: block.line + 1 + Math.max(at, 0), message: `unknown config key ${full.join(".")} (JSON block)` });
      } else if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) walk(inner, full);
    }
  };
  walk(value, []);
  return problems;
}
