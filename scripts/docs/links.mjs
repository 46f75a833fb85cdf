// Relative links and images must lead somewhere: the file exists, and an anchor names a heading
// (or an explicit <a id>) of the target page. Web links are left alone: checking them needs the
// network and fails for reasons that have nothing to do with the docs.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { anchorsOf } from "./markdown.mjs";

/** The link targets in a page's prose (code already blanked), each with its offset. */
export function linksIn(prose) {
  const found = [];
  const add = (target, offset) => found.push({ target: target.trim().replace(/^<(.*)>$/, "$1"), offset });
  // Inline links and images: whatever the text, `](` starts the destination.
  for (const m of prose.matchAll(/\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) add(m[1], m.index);
  // Reference definitions: `[name]: destination`.
  for (const m of prose.matchAll(/^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/gm)) add(m[1], m.index);
  // HTML: images and anchors.
  for (const m of prose.matchAll(/<(?:img|source)\s[^>]*?\bsrc(?:set)?\s*=\s*["']([^"'\s]+)/gi)) add(m[1], m.index);
  for (const m of prose.matchAll(/<a\s[^>]*?\bhref\s*=\s*["']([^"']+)["']/gi)) add(m[1], m.index);
  return found;
}

const anchorCache = new Map();

function anchorsOfFile(path) {
  let anchors = anchorCache.get(path);
  if (anchors === undefined) {
    anchors = anchorsOf(readFileSync(path, "utf8"));
    anchorCache.set(path, anchors);
  }
  return anchors;
}

/** The problem with one link of the page at `file` (under `root`), or undefined when it resolves. */
export function linkProblem(root, file, target) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) return undefined;
  const hash = target.indexOf("#");
  const pathPart = decode(hash === -1 ? target : target.slice(0, hash)).replace(/\?.*$/, "");
  const anchor = hash === -1 ? undefined : decode(target.slice(hash + 1));
  let path = file;
  if (pathPart !== "") {
    path = pathPart.startsWith("/") ? join(root, pathPart) : resolve(dirname(file), pathPart);
    if (!existsSync(path)) return `broken link: ${target} (no file ${relative(root, path) || "."})`;
  }
  if (anchor === undefined || anchor === "" || !/\.md$/i.test(path) || statSync(path).isDirectory()) return undefined;
  // GitHub's line anchors on a rendered page of source are not headings.
  if (/^L\d+(-L\d+)?$/.test(anchor)) return undefined;
  const anchors = anchorsOfFile(path);
  if (anchors.has(anchor) || anchors.has(anchor.toLowerCase())) return undefined;
  const where = path === file ? "this page" : relative(root, path);
  return `broken anchor: ${target} (no heading or <a id> "${anchor}" in ${where})`;
}

function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
