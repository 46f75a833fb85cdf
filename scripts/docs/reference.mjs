// The generated reference (docs/reference/reference.json) as lookups: which tools, parameters,
// config keys, commands, flags and environment variables exist. The prose pages may only name those.

// A key segment that stands for any name: `*`, `<category>`, `{name}`, `[name]`.
const PLACEHOLDER = /^(\*|<[^>]*>|\{[^}]*\}|\[[^\]]*\])$/;

/** Lookups over the parsed reference.json. */
export function referenceOf(json) {
  const tools = new Map((json.tools ?? []).map((t) => [t.name, { params: new Set(t.params ?? []), outputs: new Set(t.outputs ?? []) }]));
  const fields = new Set();
  for (const t of tools.values()) for (const f of [...t.params, ...t.outputs]) fields.add(f);
  const keys = (json.config ?? []).map((c) => c.key);
  const configTop = new Set(keys.map((k) => k.split(".")[0]));
  const configSegments = new Set(keys.flatMap((k) => k.split(".")));
  const trie = trieOf(keys);
  const commands = new Map((json.cli ?? []).map((c) => [c.command, new Set(c.flags ?? [])]));
  const env = (json.env ?? []).map((e) => e.name);
  return {
    tools,
    /** Whether a name is a near miss of a tool's (a misspelt tool): at most two edits from one, and not the tool itself. */
    nearTool: (name) => [...tools.keys()].some((t) => t !== name && editDistance(t, name) <= 2),
    fields,
    configTop,
    configSegments,
    commands,
    /** Whether a dotted key (placeholders allowed) names a key of the config, or lies under a key with no listed children. */
    hasConfig: (path) => matchKey(trie, Array.isArray(path) ? path : path.split(".")),
    /** Whether an env var name, or a pattern of them (`*`, `<CLI>`, a trailing `_`), matches a known variable. */
    hasEnv: (name) => {
      if (env.includes(name)) return true;
      // The reference's own patterns (`SUBAGENT_MCP_CAP_*`: a name the code completes) match a concrete name or a placeholder.
      const spelled = name.replace(/<[^>]*>/g, "*");
      if (env.some((e) => e.includes("*") && new RegExp(`^${e.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[A-Z0-9_*]+")}$`).test(spelled)))
        return true;
      if (!/[*<]|_$/.test(name)) return false;
      const source = name
        .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/<[^>]*>/g, "[A-Z0-9_]+");
      const pattern = new RegExp(`^${source}${name.endsWith("_") ? ".*" : ""}$`);
      return env.some((e) => pattern.test(e));
    },
    /** The flags valid after `subagent-mcp <command>`: its own, its parents', the root's, and help. */
    flagsOf: (command) => {
      const flags = new Set(["--help", "-h"]);
      const words = command === "" ? [] : command.split(" ");
      for (let n = 0; n <= words.length; n++) for (const f of commands.get(words.slice(0, n).join(" ")) ?? []) flags.add(f);
      return flags;
    },
    envNames: env,
  };
}

function trieOf(keys) {
  const root = new Map();
  for (const key of keys) {
    let node = root;
    for (const raw of key.split(".")) {
      const seg = PLACEHOLDER.test(raw) ? "*" : raw;
      if (!node.has(seg)) node.set(seg, new Map());
      node = node.get(seg);
    }
  }
  return root;
}

function matchKey(node, segs) {
  if (segs.length === 0) return true;
  // Below a key the reference lists no children of: a value, or entries the user names.
  if (node.size === 0) return true;
  const [seg, ...rest] = segs;
  const next = PLACEHOLDER.test(seg) ? [...node.values()] : [node.get(seg), node.get("*")].filter((n) => n !== undefined);
  return next.some((n) => matchKey(n, rest));
}

// Levenshtein distance, for telling a misspelt tool name from another snake_case word.
function editDistance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
