// The environment variables the code reads, found in the sources (packages/*/src, apps/cli/src; no
// tests): every SUBAGENT_MCP_* name it spells, and any other name it reads off an environment
// (`env.NAME`, `env["NAME"]`, `process.env.NAME`, not assigned). A name's meaning is the comment
// on its line or just above its first commented read.
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

// The comment on line `i` or in the lines just above it, as one line.
function commentAt(lines, i) {
  const own = /\/\/\s*(.+)$/.exec(lines[i]);
  if (own !== null && !/^\s*\/\//.test(lines[i])) return own[1];
  const above = [];
  for (let j = i - 1; j >= 0 && j >= i - 6; j--) {
    const line = lines[j].trim();
    if (line.startsWith("//")) above.unshift(line.replace(/^\/\/\s?/, ""));
    else if (line.startsWith("*") || line.startsWith("/**")) above.unshift(line.replace(/^\/?\*+\/?\s?/, "").replace(/\*\/$/, ""));
    else break;
  }
  const text = above.join(" ").replace(/\s+/g, " ").trim();
  return text === "" ? undefined : text;
}

// Up to its first sentence, at most ~200 characters: a one-line meaning.
function oneLine(text) {
  const sentence = /^(.+?[.;])(\s|$)/.exec(text)?.[1] ?? text;
  return sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
}

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
        const entry = found.get(name) ?? { name, packages: new Set(), comments: [] };
        entry.packages.add(packageOf(root, file));
        const comment = commentAt(lines, i);
        if (comment !== undefined) entry.comments.push(comment);
        found.set(name, entry);
      }
    });
  }
  return [...found.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((e) => {
      // Only a comment that names the variable says what it is: the nearest other comment is often about something else.
      const meaning = e.comments.find((c) => c.includes(e.name.replace("*", "")));
      return { name: e.name, packages: [...e.packages].sort(), ...(meaning === undefined ? {} : { meaning: oneLine(meaning) }) };
    });
}
