// Just enough Markdown for the docs checks: fenced blocks (with their info string and first line),
// inline code spans, the prose around them (code blanked out, so a link in a code span is no link)
// and headings with GitHub's anchors. Offsets map back to 1-based line numbers for every report.

/** Splits `text` into fenced code blocks and prose, keeping line numbers. */
export function parseMarkdown(text) {
  const lines = text.split("\n");
  const blocks = [];
  const prose = [];
  let open;
  lines.forEach((line, i) => {
    if (open === undefined) {
      const fence = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line);
      if (fence !== null && !(fence[1][0] === "`" && fence[2].includes("`"))) {
        open = { marker: fence[1], info: fence[2].trim(), line: i + 1, body: [] };
        prose.push("");
        return;
      }
      prose.push(line);
      return;
    }
    prose.push("");
    const close = new RegExp(`^[ \\t]*${open.marker[0]}{${open.marker.length},}\\s*$`);
    if (close.test(line)) {
      blocks.push(blockOf(open, i + 1));
      open = undefined;
    } else open.body.push(line);
  });
  // An unclosed fence runs to the end of the file, as CommonMark has it.
  if (open !== undefined) blocks.push(blockOf(open, lines.length));
  const withoutComments = blankComments(prose.join("\n"));
  const { spans, text: outside } = codeSpans(withoutComments);
  return { blocks, spans, prose: outside, lineAt: lineIndex(outside) };
}

function blockOf(open, end) {
  return { info: open.info, lang: (open.info.split(/\s+/)[0] ?? "").toLowerCase(), line: open.line, end, code: open.body.join("\n") };
}

// HTML comments say nothing to a reader: blanked, keeping the line breaks.
function blankComments(text) {
  return text.replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, " "));
}

/** The inline code spans of `text` (backtick runs of equal length, not across a blank line), and `text` with them blanked. */
export function codeSpans(text) {
  const spans = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const run = /`+/g;
    run.lastIndex = i;
    const m = run.exec(text);
    if (m === null) break;
    const close = closingRun(text, m.index + m[0].length, m[0].length);
    if (close === -1) {
      out += text.slice(i, m.index + m[0].length);
      i = m.index + m[0].length;
      continue;
    }
    const raw = text.slice(m.index + m[0].length, close);
    // CommonMark: line breaks become spaces, and one space each side is stripped when both are there.
    let code = raw.replace(/\n/g, " ");
    if (/^ .* $/.test(code) && code.trim() !== "") code = code.slice(1, -1);
    spans.push({ code, offset: m.index });
    out += text.slice(i, m.index) + text.slice(m.index, close + m[0].length).replace(/[^\n]/g, " ");
    i = close + m[0].length;
  }
  return { spans, text: out + text.slice(i) };
}

function closingRun(text, from, length) {
  const run = /`+/g;
  run.lastIndex = from;
  for (let m = run.exec(text); m !== null; m = run.exec(text)) {
    if (/\n[ \t]*\n/.test(text.slice(from, m.index))) return -1;
    if (m[0].length === length) return m.index;
  }
  return -1;
}

/** Maps an offset of `text` (the prose: fenced lines emptied, so offsets are its own) to its 1-based line. */
function lineIndex(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** GitHub's anchor of a heading's text: formatting dropped, lowercased, punctuation dropped, spaces to hyphens. */
export function slugOf(heading) {
  const rendered = heading
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/`/g, "")
    .replace(/(^|[^\p{L}\p{N}])_{1,2}(?=\S)(.*?\S)_{1,2}(?=[^\p{L}\p{N}]|$)/gu, "$1$2");
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a page offers: its headings' slugs (a repeat gets -1, -2...) and explicit `<a id>`/`<a name>`. */
export function anchorsOf(text) {
  const { blocks } = parseMarkdown(text);
  const inFence = new Set();
  for (const b of blocks) for (let l = b.line; l <= b.end; l++) inFence.add(l);
  const anchors = new Set();
  const seen = new Map();
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (inFence.has(i + 1)) return;
    let heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1];
    // A setext heading: a paragraph line underlined with = or - (not a list item, not after a blank line).
    const previous = lines[i - 1] ?? "";
    if (heading === undefined && /^ {0,3}(=+|-+)[ \t]*$/.test(line) && !inFence.has(i) && /\S/.test(previous) && !/^ {0,3}([-*+>#|]|\d+\.)/.test(previous)) {
      heading = previous.trim();
    }
    if (heading === undefined) return;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  });
  for (const m of blankComments(text).matchAll(/<a\s[^>]*?(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(m[1]);
  return anchors;
}
