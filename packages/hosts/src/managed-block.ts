/** The markers around our block in AGENTS.md / CLAUDE.md / GEMINI.md; stable across versions. */
export const BLOCK_BEGIN = "<!-- subagent-mcp:begin (managed by subagent-mcp; edits inside are replaced) -->";
export const BLOCK_END = "<!-- subagent-mcp:end -->";

const BEGIN_RE = /<!-- subagent-mcp:begin[^>]*-->/;

interface Shape {
  bom: string;
  eol: "\r\n" | "\n";
  body: string;
}

function shapeOf(text: string): Shape {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const body = text.slice(bom.length);
  const crlf = (body.match(/\r\n/g) ?? []).length;
  const lf = (body.match(/(?<!\r)\n/g) ?? []).length;
  return { bom, eol: crlf > lf ? "\r\n" : "\n", body };
}

// One managed segment: the markers and the content, each line ended by the file's own line ending.
function segment(content: string, eol: string): string {
  const lines = content.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  return [BLOCK_BEGIN, ...lines, BLOCK_END].map((l) => l + eol).join("");
}

// Every managed segment in the body: from a begin marker's line to the end marker's line ending.
function segments(body: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  let from = 0;
  for (;;) {
    const rest = body.slice(from);
    const begin = BEGIN_RE.exec(rest);
    if (begin === null) return found;
    const start = from + begin.index;
    const endAt = body.indexOf(BLOCK_END, start);
    if (endAt < 0) return found;
    let end = endAt + BLOCK_END.length;
    if (body.startsWith("\r\n", end)) end += 2;
    else if (body.startsWith("\n", end)) end += 1;
    found.push({ start, end });
    from = end;
  }
}

/**
 * Puts `content` in the managed block of a Markdown file's text: replaces an existing block in place
 * (extra copies removed), or inserts a new one right after the first heading line (at the top when
 * there is none). The BOM and line endings of the file are kept; text outside the block is never
 * touched, so {@link removeManagedBlock} restores the original byte for byte.
 */
export function upsertManagedBlock(text: string, content: string): string {
  const { bom, eol, body } = shapeOf(text);
  const block = segment(content, eol);
  const found = segments(body);
  if (found.length > 0) {
    let out = body;
    for (const s of [...found].reverse().slice(0, -1)) out = out.slice(0, s.start) + out.slice(s.end);
    const first = found[0] as { start: number; end: number };
    // A block that ends the file without a line ending (inserted under a last-line heading) stays so.
    const open = !out.slice(first.start, first.end).endsWith("\n");
    return bom + out.slice(0, first.start) + (open ? block.slice(0, -eol.length) : block) + out.slice(first.end);
  }
  const heading = /^#{1,6} .*$/m.exec(body);
  if (heading === null) return bom + block + body;
  const lineEnd = heading.index + heading[0].length;
  if (lineEnd >= body.length) return bom + body + eol + block.slice(0, -eol.length);
  const after = body.startsWith("\r\n", lineEnd) ? lineEnd + 2 : lineEnd + 1;
  return bom + body.slice(0, after) + block + body.slice(after);
}

/** Removes every managed block (the exact inverse of {@link upsertManagedBlock}'s insertion). */
export function removeManagedBlock(text: string): string {
  const { bom, eol, body } = shapeOf(text);
  const found = segments(body);
  let out = body;
  for (const s of [...found].reverse()) {
    // A block inserted after a heading on the file's last line added a line ending before it.
    const atEnd = s.end >= out.length && !out.slice(s.start, s.end).endsWith(eol) && out.slice(0, s.start).endsWith(eol);
    out = out.slice(0, atEnd ? s.start - eol.length : s.start) + out.slice(s.end);
  }
  return bom + out;
}
