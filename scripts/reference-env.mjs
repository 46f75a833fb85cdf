// The environment variables the code reads, found in the sources (packages/*/src, apps/cli/src; no
// tests): every SUBAGENT_MCP_* name it spells, and any other name it reads off an environment
// (`env.NAME`, `env["NAME"]`, `process.env.NAME`, not assigned). A name's meaning is the comment of
// its definition (the line that spells it as a string, `const FLEET_KEY_ENV = "SUBAGENT_MCP_FLEET_KEY"`,
// or the function that returns it), else the first comment that names it.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

// A name the code completes (`SUBAGENT_MCP_${provider}_PATH`, a prefix ending in "_") keeps a `*` for its varying part.
const OURS = /\bSUBAGENT_MCP_(?:[A-Z0-9_]*[A-Z0-9]_?)?(?:\$\{[^}]*\}[A-Z0-9_]*)?(?![A-Za-z0-9])/g;
const READ = /\benv(?:\?\.|\.)([A-Z][A-Z0-9_]+)\b(?!\s*(?:=[^=]|:))|\benv\[\s*"([A-Z][A-Z0-9_]+)"\s*\](?!\s*=[^=])/g;

function sources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const COMMENT = /^(\/\/|\/\*\*?|\*\/?|\*)/;
const isComment = (line) => COMMENT.test(line.trim());
const commentText = (line) =>
  line
    .trim()
    .replace(/^(\/\/|\/\*\*?|\*)\s?/, "")
    .replace(/\*\/$/, "")
    .trim();

// The comment about line `i`, as one line: the whole comment block it is part of (a comment that
// names the variable says what it is), else the comment on its line or the block just above it.
function commentAt(lines, i) {
  if (isComment(lines[i])) {
    let [from, to] = [i, i];
    while (from > 0 && isComment(lines[from - 1]) && !/\*\/\s*$/.test(lines[from - 1])) from -= 1;
    while (to < lines.length - 1 && isComment(lines[to + 1]) && !/\*\/\s*$/.test(lines[to])) to += 1;
    return joined(lines.slice(from, to + 1).map(commentText));
  }
  const own = /\/\/\s*(.+)$/.exec(lines[i]);
  if (own !== null) return own[1];
  const above = [];
  for (let j = i - 1; j >= 0 && j >= i - 6 && isComment(lines[j]); j--) above.unshift(commentText(lines[j]));
  return joined(above);
}

// A line that spells the name as a string literal defines it: its comment, or the doc comment of the
// function that returns it, says what it is even without repeating the name.
function definitionComment(lines, i, name) {
  const literal = name.includes("*") ? `\`${name.slice(0, name.indexOf("*"))}` : `"${name}"`;
  if (!lines[i].includes(literal)) return undefined;
  return commentAt(lines, i) ?? (/^\s*return\b/.test(lines[i]) ? functionDoc(lines, i) : undefined);
}

// The doc comment of the top-level function line `i` is in (a read or a definition in its body).
function functionDoc(lines, i) {
  for (let j = i - 1; j >= 0; j--) {
    if (!/^\S/.test(lines[j])) continue;
    return /^(export\s+)?(async\s+)?function\b/.test(lines[j]) ? commentAt(lines, j) : undefined;
  }
  return undefined;
}

const joined = (parts) => {
  const text = parts.join(" ").replace(/\s+/g, " ").trim();
  return text === "" ? undefined : text;
};

// The comment's first sentence, and the one that names `name` when that is another, at most ~240
// characters: a one-line meaning.
function oneLine(text, name) {
  const sentences = text.split(/(?<!\b(?:e\.g|i\.e)\.)(?<=\.)\s+/);
  const first = sentences[0] ?? text;
  const naming = sentences.find((x) => spells(x, name));
  const line = naming === undefined || naming === first ? first : `${first} ${naming}`;
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

// Whether `text` spells the variable `name` as a whole word (not HOME inside $XDG_CONFIG_HOME); a `*` stands for any part.
const spells = (text, name) => new RegExp(`(?<![A-Za-z0-9_])${name.replace("*", "[A-Z0-9_]*")}(?![A-Za-z0-9_])`).test(text);

// The package a source file belongs to, as its folder (packages/config, apps/cli).
const packageOf = (root, file) => relative(root, file).split(sep).slice(0, 2).join("/");

/** Each variable the code reads, sorted by name: the packages that read it and a one-line meaning where a comment gives one. */
export function environment(root) {
  const found = new Map();
  const dirs = [
    ...readdirSync(join(root, "packages"))
      .sort()
      .map((p) => join(root, "packages", p, "src")),
    join(root, "apps", "cli", "src"),
  ];
  for (const file of dirs.flatMap((dir) => {
    try {
      return sources(dir);
    } catch {
      return [];
    }
  })) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      const names = [...line.matchAll(OURS)].map((m) => m[0].replace(/\$\{[^}]*\}/, "*").replace(/_$/, "_*")).filter((n) => n !== "SUBAGENT_MCP_*");
      for (const m of line.matchAll(READ)) names.push(m[1] ?? m[2]);
      for (const name of names) {
        const entry = found.get(name) ?? { name, packages: new Set(), comments: [], docs: [], definitions: [] };
        entry.packages.add(packageOf(root, file));
        const comment = commentAt(lines, i);
        if (comment !== undefined) entry.comments.push(comment);
        const doc = functionDoc(lines, i);
        if (doc !== undefined) entry.docs.push(doc);
        const defined = definitionComment(lines, i, name);
        if (defined !== undefined) entry.definitions.push(defined);
        found.set(name, entry);
      }
    });
  }
  const rows = [...found.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((e) => {
      // Its definition's comment, else only a comment that names the variable says what it is (the
      // nearest other comment is often about something else): one at a read before the doc of a function that reads it.
      const meaning = e.definitions[0] ?? [...e.comments, ...e.docs].find((c) => spells(c, e.name));
      return { name: e.name, packages: [...e.packages].sort(), ...(meaning === undefined ? {} : { meaning: oneLine(meaning, e.name) }) };
    });
  // A name the code also completes (SUBAGENT_MCP_CODEX_PATH, of SUBAGENT_MCP_*_PATH) means what its pattern does.
  const patterns = rows.filter((r) => r.name.includes("*") && r.meaning !== undefined);
  return rows.map((r) => {
    if (r.meaning !== undefined || r.name.includes("*")) return r;
    const pattern = patterns.find((p) => new RegExp(`^${p.name.replace("*", "[A-Z0-9_]+")}$`).test(r.name));
    return pattern === undefined ? r : { ...r, meaning: pattern.meaning };
  });
}
