// A program word the shell settles only when it runs (`/bin/r?`, `r[m]`, `"$(echo rm)"`,
// `{rm,x}`) cannot be judged by its text. What can be said is which names it could become: a
// glob over the program's name, so that a deny rule for `rm` catches every word that could be `rm`.

/** What makes a word a glob: `*`, `?`, or a `[` closed later in the word (`[` alone is the test program). */
const GLOB = /[*?]|\[.*\]/;
/** A substitution or variable: `$X`, `${X}`, `$(…)`, `` `…` ``. */
const EXPANSION = /[$`]/;
/** Brace expansion: `{a,b}`, `{1..3}`. */
const BRACES = /\{[^}]*(,|\.\.)[^}]*\}/;
/** A name part that is plain text and globs only (no quote, brace or bracket left of an expansion). */
const PLAIN_NAME = /^[\w.+@%:=*?[\]!^-]*$/;

/**
 * The names the program of `word` could have, as a glob (`r?`, `*`), when the shell decides it
 * only as it runs; undefined for a word that is what it says. Errs wide: a name it cannot narrow is `*`.
 */
export function programPattern(word: string): string | undefined {
  const expands = EXPANSION.test(word) || BRACES.test(word);
  if (!expands && !GLOB.test(word)) return undefined;
  const name = word.slice(word.lastIndexOf("/") + 1);
  // After the last `/` only plain text and globs: that is the name whatever came before it (`"$D"/rm` is `rm`).
  if (expands && (EXPANSION.test(name) || !PLAIN_NAME.test(name))) return "*";
  return name === "" ? "*" : name;
}

const patterns = new Map<string, RegExp>();

// A shell glob as a regular expression over one name: `*` and `?` and `[…]` (with `!` or `^` negation).
function globRegExp(glob: string): RegExp {
  let regexp = patterns.get(glob);
  if (regexp !== undefined) return regexp;
  let source = "";
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] ?? "";
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (c === "[" && glob.indexOf("]", i + 2) !== -1) {
      const end = glob.indexOf("]", i + 2);
      const body = glob.slice(i + 1, end);
      const negated = body.startsWith("!") || body.startsWith("^");
      const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, "\\$&");
      source += `[${negated ? "^" : ""}${members}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  // Any letter case: on a case-insensitive file system `R?` runs `rm` too.
  regexp = new RegExp(`^${source}$`, "is");
  if (patterns.size >= 1000) patterns.clear();
  patterns.set(glob, regexp);
  return regexp;
}

/**
 * Whether a program word's glob could name the program a rule names (itself possibly with `*`,
 * from a wildcard rule: then any overlap is assumed).
 */
export function couldName(pattern: string, program: string): boolean {
  if (program.includes("*")) return true;
  return globRegExp(pattern).test(program);
}
