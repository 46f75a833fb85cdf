// A file word of a command line as the paths it could name: what the shell would expand is
// expanded where the value is known (`~`, `$HOME`, `$PWD`, `$USER`), its globs are kept, and what
// is known only as it runs (another variable, `$(…)`) becomes a part that could be any text at all,
// slashes and `..` included. path-pattern.ts decides whether such a pattern could name a rule's file.

/** One part of a path pattern: a literal character, or what a glob or an unknown value could be. */
export type Token = string | { glob: "?" | "*" } | { glob: "["; class: RegExp } | { any: true };

/** A path pattern: tokens, literal characters one per token. */
export type Pattern = Token[];

/** The values the line's context knows; `undefined` for a variable it does not. */
export type Lookup = (name: string) => string | undefined;

const ANY: Token = { any: true };
/** More alternatives than this from one word's braces: the braces are read as any text. */
const MAX_ALTERNATIVES = 32;

/** A text as literal tokens, one per character (code point: paths are matched by character). */
export function literal(text: string): Token[] {
  return Array.from(text);
}

// `[…]` at `i` as a class (with `!`/`^` negation), or undefined when it is not closed.
function bracket(text: string, i: number): { token: Token; end: number } | undefined {
  const end = text.indexOf("]", i + 2);
  if (end === -1) return undefined;
  const body = text.slice(i + 1, end);
  const negated = body.startsWith("!") || body.startsWith("^");
  const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, "\\$&");
  return { token: { glob: "[", class: new RegExp(`^[${negated ? "^" : ""}${members}]$`, "i") }, end };
}

// The leading `~`, `~/…` or `~name/…` of a word: the home it names (any text for another user's).
function tilde(text: string, lookup: Lookup): { tokens: Token[]; rest: number } | undefined {
  if (!text.startsWith("~")) return undefined;
  const slash = text.indexOf("/");
  const name = slash === -1 ? text.slice(1) : text.slice(1, slash);
  if (!/^[\w.-]*$/.test(name)) return undefined;
  const home = name === "" || name === lookup("USER") ? lookup("HOME") : undefined;
  return { tokens: home === undefined ? [ANY] : literal(home), rest: slash === -1 ? text.length : slash };
}

/** Brace expansion of a word the parser left literal (`a/{b,c}` is `a/b` and `a/c`); undefined past the bound. */
export function braces(text: string): string[] | undefined {
  const open = text.indexOf("{");
  if (open === -1) return [text];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === "{") depth += 1;
    else if (c === "," && depth === 1) commas.push(i);
    else if (c === "}" && (depth -= 1) === 0) {
      const body = text.slice(open + 1, i);
      const head = text.slice(0, open);
      const tail = braces(text.slice(i + 1));
      if (tail === undefined) return undefined;
      // `{1..9}`, `{a..z}`: short names of one folder level each.
      if (commas.length === 0) return /^\w+\.\.\w+(\.\.\d+)?$/.test(body) ? tail.map((t) => `${head}*${t}`) : tail.map((t) => `${head}{${body}}${t}`);
      const bounds = [open, ...commas, i];
      const parts = bounds.slice(0, -1).map((from, k) => braces(text.slice(from + 1, bounds[k + 1])));
      if (parts.some((p) => p === undefined)) return undefined;
      const out = parts.flatMap((p) => p ?? []).flatMap((p) => tail.map((t) => `${head}${p}${t}`));
      return out.length > MAX_ALTERNATIVES ? undefined : out;
    }
  }
  return [text];
}

/** A word whose quotes the parser already removed and which expands nothing but globs, braces and `~`. */
export function plainPatterns(text: string, lookup: Lookup): Pattern[] {
  const words = braces(text);
  if (words === undefined) return [[ANY]];
  return words.map((word) => {
    const start = tilde(word, lookup);
    const out: Token[] = start?.tokens ?? [];
    for (let i = start?.rest ?? 0; i < word.length; i += 1) {
      const c = word[i] ?? "";
      const range = c === "[" ? bracket(word, i) : undefined;
      if (range !== undefined) [out[out.length], i] = [range.token, range.end];
      else out.push(c === "*" || c === "?" ? { glob: c } : c);
    }
    return out;
  });
}

// `${…}` whose `{` is at `i`: its end, and the plain name when it is nothing but one (`${HOME}`).
function braced(text: string, i: number): { end: number; name?: string } {
  let depth = 0;
  for (let j = i; j < text.length; j += 1) {
    if (text[j] === "{") depth += 1;
    else if (text[j] === "}" && (depth -= 1) === 0) {
      const inner = text.slice(i + 1, j);
      return /^\w+$/.test(inner) ? { end: j, name: inner } : { end: j };
    }
  }
  return { end: text.length - 1 };
}

// `$(…)`, `$((…))` or `` `…` `` at `i`: where it ends.
function substitution(text: string, i: number): number {
  if (text[i] === "`") {
    const end = text.indexOf("`", i + 1);
    return end === -1 ? text.length - 1 : end;
  }
  let depth = 0;
  for (let j = i + 1; j < text.length; j += 1) {
    if (text[j] === "(") depth += 1;
    else if (text[j] === ")" && (depth -= 1) === 0) return j;
  }
  return text.length - 1;
}

// One `$…` at `i` (outside single quotes): the tokens it stands for and where it ends.
function dollar(text: string, i: number, lookup: Lookup): { tokens: Token[]; end: number } {
  const next = text[i + 1] ?? "";
  if (next === "{") {
    const { end, name } = braced(text, i + 1);
    const value = name === undefined ? undefined : lookup(name);
    return { tokens: value === undefined ? [ANY] : literal(value), end };
  }
  if (next === "(") return { tokens: [ANY], end: substitution(text, i + 1) };
  const name = /^(\w+|[@*#?$!0-9-])/.exec(text.slice(i + 1))?.[0];
  if (name === undefined) return next === "'" || next === '"' ? { tokens: [], end: i } : { tokens: ["$"], end: i };
  const value = /^\w+$/.test(name) ? lookup(name) : undefined;
  return { tokens: value === undefined ? [ANY] : literal(value), end: i + name.length };
}

/**
 * A word as the parser gave it when it expands something (its text is then the source, quotes
 * and all): quotes removed, globs outside quotes kept, known variables put in, the rest any text.
 */
export function sourcePattern(text: string, lookup: Lookup): Pattern {
  const start = tilde(text, lookup);
  const out: Token[] = start?.tokens ?? [];
  let quote: "'" | '"' | undefined;
  for (let i = start?.rest ?? 0; i < text.length; i += 1) {
    const c = text[i] ?? "";
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out.push(c);
    } else if (c === "\\") {
      i += 1;
      if (i < text.length) out.push(text[i] ?? "");
    } else if (c === '"') quote = quote === '"' ? undefined : '"';
    else if (c === "'" && quote === undefined) quote = "'";
    else if (c === "$" && text[i + 1] === "'") {
      out.push(ANY); // ANSI-C quoting: its escapes could spell anything
      i = Math.max(text.indexOf("'", i + 2), i + 1);
    } else if (c === "$") {
      const { tokens, end } = dollar(text, i, lookup);
      out.push(...tokens);
      i = end;
    } else if (c === "`") {
      out.push(ANY);
      i = substitution(text, i);
    } else if (quote === undefined && (c === "*" || c === "?")) out.push({ glob: c });
    else if (quote === undefined && c === "[" && bracket(text, i) !== undefined) {
      const range = bracket(text, i);
      if (range !== undefined) [out[out.length], i] = [range.token, range.end];
    } else if (quote === undefined && c === "{" && /^\{[^}]*(,|\.\.)[^}]*\}/.test(text.slice(i))) {
      out.push(ANY); // brace expansion around an expansion: any of its alternatives
      i = text.indexOf("}", i);
    } else out.push(c);
  }
  return out;
}
