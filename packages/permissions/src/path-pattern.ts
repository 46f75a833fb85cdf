import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { realPath } from "./real-path.js";
import { literal, type Pattern, type Token } from "./word-pattern.js";

// Could a path pattern (`~/.config/*/fleet.key`, `<any>/fleet.key`) name a file a path rule names
// (`//home/u/.config/subagent-mcp/fleet.key`, `~/.ssh/**`)? Both are read as patterns over the
// characters of an absolute path, and they meet when some path matches both. A word's glob is
// also tried on disk, so a link it reaches (`*/k` where `x -> ~/.config/subagent-mcp`) is judged
// by where it leads.

const ANY: Token = { any: true };
/** Directory entries read at most to expand one word's globs on disk. */
const MAX_ENTRIES = 2000;
/** Rule patterns with more `**` folders than this are read as any path below their base. */
const MAX_GLOBSTARS = 4;

const isAny = (t: Token): boolean => typeof t !== "string" && "any" in t;
const isStar = (t: Token): boolean => isAny(t) || (typeof t !== "string" && "glob" in t && t.glob === "*");
const literalOf = (tokens: Pattern): string | undefined => (tokens.every((t) => typeof t === "string") ? tokens.join("") : undefined);

/** Whether the pattern has a part known only as the line runs. */
export function hasUnknown(pattern: Pattern): boolean {
  return pattern.some(isAny);
}

function segments(pattern: Pattern): Pattern[] {
  const out: Pattern[] = [[]];
  for (const t of pattern) {
    if (t === "/") out.push([]);
    else out[out.length - 1]?.push(t);
  }
  return out;
}

/**
 * A word's pattern (absolute, or relative to `folder`) as an absolute pattern with `.` and `..`
 * folded: `..` after a literal folder goes up from it; after a glob or unknown part, the place could
 * be any, and so could everything before an unknown part (its value may hold `../..` or start anew).
 */
export function placed(word: Pattern, folder: Pattern): Pattern {
  const full = word[0] === "/" ? word : [...folder, "/", ...word];
  let parts: Pattern[] = [];
  for (const part of segments(full)) {
    const text = literalOf(part);
    if (text === "" || text === ".") continue;
    if (text === "..") {
      const last = parts[parts.length - 1];
      if (last !== undefined && literalOf(last) !== undefined) parts.pop();
      else if (last !== undefined) parts = [[ANY]];
      continue;
    }
    if (hasUnknown(part)) parts = [part.slice(part.findLastIndex(isAny))];
    else parts.push(part);
  }
  const head = parts[0]?.[0];
  const out: Pattern = head !== undefined && isAny(head) ? [] : ["/"];
  parts.forEach((part, i) => out.push(...(i === 0 ? [] : ["/"]), ...part));
  return out.length === 0 ? ["/"] : out;
}

/** The pattern as a path when it has no glob and no unknown part. */
export function literalPath(pattern: Pattern): string | undefined {
  return literalOf(pattern);
}

/** The same pattern with its literal leading folders replaced by where they really lead. */
export function realPlaced(pattern: Pattern): Pattern | undefined {
  const parts = segments(pattern);
  const fixed = parts.findIndex((p) => literalOf(p) === undefined);
  if (fixed <= 1) return undefined;
  const real = realPath(
    parts
      .slice(0, fixed)
      .map((p) => literalOf(p))
      .join("/") || "/",
    "/",
  );
  return [...literal(real), ...parts.slice(fixed).flatMap((p) => ["/", ...p])];
}

// One character both tokens could stand for.
function share(a: Token, b: Token): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof b === "string") return share(b, a);
  if (typeof a !== "string") return true; // two sets of characters: assumed to share one
  if (isAny(b)) return true;
  if (a === "/") return false;
  return "class" in b ? b.class.test(a) : true;
}

/** Whether some path matches both patterns (letter case aside, as deny and ask rules are matched). */
export function meet(p: Pattern, r: Pattern): boolean {
  const seen = new Set<number>();
  const width = r.length + 1;
  const queue: [number, number][] = [[0, 0]];
  while (queue.length > 0) {
    const [i, j] = queue.pop() ?? [0, 0];
    if (seen.has(i * width + j)) continue;
    seen.add(i * width + j);
    if (i === p.length && j === r.length) return true;
    const a = p[i];
    const b = r[j];
    if (a !== undefined && isStar(a)) queue.push([i + 1, j]);
    if (b !== undefined && isStar(b)) queue.push([i, j + 1]);
    if (a !== undefined && b !== undefined && share(a, b)) queue.push([isStar(a) ? i : i + 1, isStar(b) ? j : j + 1]);
  }
  return false;
}

// One gitignore segment as tokens (`\x` is x).
function ruleSegment(text: string): Pattern {
  const out: Pattern = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? "";
    if (c === "\\") out.push(text[(i += 1)] ?? "");
    else if (c === "*" || c === "?") out.push({ glob: c });
    else if (c === "[" && text.indexOf("]", i + 2) !== -1) {
      const end = text.indexOf("]", i + 2);
      const body = text.slice(i + 1, end);
      const negated = body.startsWith("!") || body.startsWith("^");
      out.push({ glob: "[", class: new RegExp(`^[${negated ? "^" : ""}${(negated ? body.slice(1) : body).replace(/[\\\]^]/g, "\\$&")}]$`, "i") });
      i = end;
    } else out.push(c);
  }
  return out;
}

/**
 * The paths a rule's gitignore pattern names under `base`, as absolute patterns: a name without a
 * slash at any depth, `**` as any folders or none, and everything below a folder it names (a
 * pattern without globs that names an existing file names nothing below it).
 */
export function rulePatterns(pattern: string, base: string): Pattern[] {
  const children = !isFile(pattern, base);
  const trimmed = pattern.replace(/\/+$/, "");
  const anchored = trimmed.includes("/");
  const parts = (anchored ? trimmed.replace(/^\//, "") : `**/${trimmed}`).split("/");
  let variants: Pattern[][] = [
    [
      ...base
        .split("/")
        .filter((s) => s !== "")
        .map((s) => literal(s)),
    ],
  ];
  const stars = parts.filter((s) => s === "**").length;
  for (const part of parts) {
    if (part !== "**") variants = variants.map((v) => [...v, ruleSegment(part)]);
    else variants = stars > MAX_GLOBSTARS ? variants.map((v) => [...v, [ANY]]) : variants.flatMap((v) => [v, [...v, [ANY]]]);
  }
  return variants.flatMap((v) => {
    const path: Pattern = v.flatMap((s) => ["/", ...s]);
    return children ? [path, [...path, "/", ANY]] : [path];
  });
}

// Whether an anchored pattern without globs names an existing file (not a folder).
function isFile(pattern: string, base: string): boolean {
  if (!pattern.includes("/") || /[*?[]/.test(pattern.replace(/\\./g, ""))) return false;
  try {
    return statSync(join(base, pattern.replace(/\\(.)/g, "$1"))).isFile();
  } catch {
    return false;
  }
}

// A glob segment as a regular expression over one directory entry's name.
function segmentRegExp(part: Pattern): RegExp {
  const source = part
    .map((t) => {
      if (typeof t === "string") return t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      if ("class" in t) return t.class.source.slice(1, -1);
      return "glob" in t && t.glob === "?" ? "[^/]" : "[^/]*";
    })
    .join("");
  return new RegExp(`^${source}$`, "is");
}

/** The existing paths a glob pattern (no unknown part) matches on disk; undefined past the bound or with one. */
export function onDisk(pattern: Pattern): string[] | undefined {
  if (hasUnknown(pattern) || pattern[0] !== "/") return undefined;
  let found = ["/"];
  let budget = MAX_ENTRIES;
  for (const part of segments(pattern).slice(1)) {
    const text = literalOf(part);
    if (text !== undefined) {
      found = found.map((dir) => join(dir, text));
      continue;
    }
    const regexp = segmentRegExp(part);
    const next: string[] = [];
    for (const dir of found) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      budget -= names.length;
      if (budget < 0) return undefined;
      for (const name of names) if (regexp.test(name)) next.push(resolve(dir, name));
    }
    found = next;
  }
  return found;
}
