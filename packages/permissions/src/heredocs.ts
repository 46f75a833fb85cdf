// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the parser ships no types; its declaration must travel with this file to packages that compile it from source
/// <reference path="./bash-parser.d.ts" />
import parse, { type BashNode, type BashWord } from "@ericcornelissen/bash-parser";

// The parser reads a here-document's body as commands (`cat <<EOF` then `npm test` then `EOF` are
// three commands to it). A script is read exactly only once its bodies are gone: each operator the
// parser itself finds (so never one inside a quote or a comment) is removed with its delimiter and
// its body, the first one first, and the rest parsed again, as the shell reads them in order.

/** Here-documents past this many in one script are not read. */
const MAX_HEREDOCS = 16;

/** The script's syntax tree with its here-documents' bodies taken out, or why it cannot be read. */
export function parseWithoutHeredocs(source: string): { ast: BashNode; source: string } | { doubt: string } {
  let text = source;
  for (let round = 0; round <= MAX_HEREDOCS; round += 1) {
    let ast: BashNode;
    try {
      ast = parse(text, { mode: "bash", insertLOC: true });
    } catch (error) {
      if (empty(text)) return { ast: { type: "Script", commands: [] }, source: text };
      return { doubt: `the shell syntax cannot be read (${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)})` };
    }
    const at = firstHeredoc(ast);
    if (at === undefined) return { ast, source: text };
    const cut = withoutBody(text, at);
    if ("doubt" in cut) return cut;
    text = cut.text;
  }
  return { doubt: "it has too many here-documents to read" };
}

// The parser refuses a script of comments and blanks alone; with a no-op after it, it reads one command.
function empty(text: string): boolean {
  try {
    return (parse(`${text}\n:`, { mode: "bash" }).commands ?? []).length === 1;
  } catch {
    return false;
  }
}

// The character offset of the first here-document operator (`<<`, `<<-`) in the tree.
function firstHeredoc(node: unknown): { char: number; dash: boolean } | undefined {
  let first: { char: number; dash: boolean } | undefined;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (typeof value !== "object" || value === null) return;
    const word = value as BashWord;
    if ((word.type === "dless" || word.type === "dlessdash") && word.loc !== undefined) {
      if (first === undefined || word.loc.start.char < first.char) first = { char: word.loc.start.char, dash: word.type === "dlessdash" };
      return;
    }
    for (const [key, v] of Object.entries(value)) if (key !== "loc") visit(v);
  };
  visit(node);
  return first;
}

// The text with the operator at `at`, its delimiter word and its body blanked out (offsets kept).
function withoutBody(text: string, at: { char: number; dash: boolean }): { text: string } | { doubt: string } {
  const afterOperator = at.char + (at.dash ? 3 : 2);
  const word = delimiter(text, afterOperator);
  if (word === undefined) return { doubt: "a here-document's delimiter cannot be read" };
  const lineEnd = text.indexOf("\n", word.end);
  // The body starts after the line's end; a quote or a continuation before it would move that end.
  if (/["'`\\]|\$\(/.test(text.slice(word.end, lineEnd < 0 ? text.length : lineEnd)))
    return { doubt: "a here-document's line continues in a way that cannot be read" };
  const blank = (from: number, to: number): string => text.slice(from, to).replace(/[^\n]/g, " ");
  if (lineEnd < 0) return { text: text.slice(0, at.char) + blank(at.char, word.end) + text.slice(word.end) };
  // The body runs to the line that is the delimiter (its leading tabs dropped after `<<-`), or to the end.
  let end = text.length;
  for (let start = lineEnd + 1; start < text.length;) {
    const next = text.indexOf("\n", start);
    const stop = next < 0 ? text.length : next;
    const line = text.slice(start, stop);
    if ((at.dash ? line.replace(/^\t+/, "") : line) === word.value) {
      end = stop;
      break;
    }
    start = stop + 1;
  }
  return { text: text.slice(0, at.char) + blank(at.char, word.end) + text.slice(word.end, lineEnd + 1) + blank(lineEnd + 1, end) + text.slice(end) };
}

// The delimiter word after the operator, its quotes removed (`'EOF'`, `"EOF"`, `\EOF`, `E"O"F`).
function delimiter(text: string, from: number): { value: string; end: number } | undefined {
  let i = from;
  while (text[i] === " " || text[i] === "\t") i += 1;
  let value = "";
  for (; i < text.length; i += 1) {
    const c = text[i] ?? "";
    if (/[\s;&|<>()]/.test(c)) break;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return undefined;
      value += text.slice(i + 1, close);
      i = close;
    } else if (c === "\\") {
      value += text[i + 1] ?? "";
      i += 1;
    } else value += c;
  }
  return value === "" ? undefined : { value, end: i };
}
