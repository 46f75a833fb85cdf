import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from "jsonc-parser";
import { HostsError, positionOf } from "./errors.js";

// Edits are made by hand on the text, with jsonc-parser only to locate nodes: its own edits
// reformat every line they touch, which would change the user's bytes next to ours. Here an
// insertion adds one contiguous piece of text and removal takes exactly that piece out again.

interface Layout {
  eol: string;
  /** One level of indentation, as the file uses it. */
  unit: string;
}

function layoutOf(text: string): Layout {
  const indent = /^([ \t]+)["}\]]/m.exec(text)?.[1] ?? "  ";
  return { eol: text.includes("\r\n") ? "\r\n" : "\n", unit: indent.startsWith("\t") ? "\t" : indent };
}

// The leading whitespace of the line holding `offset`.
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? "";
}

// The parsed text; a file that does not parse is never edited (the parser would guess, we would corrupt).
function tree(text: string): Node | undefined {
  if (text.trim() === "") return undefined;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first !== undefined)
    throw new HostsError(
      "UNPARSEABLE",
      `not valid JSON (${printParseErrorCode(first.error)}); fix it first, nothing was changed`,
      positionOf(text, first.offset),
    );
  return root;
}

const TYPE_NAME: Record<Node["type"], string> = {
  object: "an object",
  array: "an array",
  string: "a string",
  number: "a number",
  boolean: "a boolean",
  null: "null",
  property: "a property",
};

// A user's key holding another type than the one we add to: refused, never replaced or duplicated.
function wrongType(text: string, path: JSONPath, node: Node, wanted: Node["type"]): HostsError {
  const where = path.length === 0 ? "the top level" : `"${path.join(".")}"`;
  return new HostsError(
    "WRONG_TYPE",
    `${where} is ${TYPE_NAME[node.type]}, not ${TYPE_NAME[wanted]}; fix it first, nothing was changed`,
    positionOf(text, node.offset),
  );
}

function nodeAt(text: string, path: JSONPath): Node | undefined {
  const root = tree(text);
  return root === undefined ? undefined : findNodeAtLocation(root, path);
}

/** Whether `path` exists in the JSONC text. */
export function hasJsoncPath(text: string, path: JSONPath): boolean {
  return nodeAt(text, path) !== undefined;
}

/** The value at `path` in the JSONC text (undefined when absent). */
export function readJsonc(text: string, path: JSONPath): unknown {
  const strict = strictJson(text);
  if (strict !== NOT_STRICT) return path.reduce<unknown>((value, key) => childOf(value, key), strict);
  const node = nodeAt(text, path);
  return node === undefined ? undefined : (getNodeValue(node) as unknown);
}

const NOT_STRICT = Symbol("not strict JSON");

// The text as strict JSON, which the hosts write and JSON.parse reads ~15x faster than the JSONC
// parser's tree (a launch reads the plugin records); comments or trailing commas fail it at once.
function strictJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_STRICT;
  }
}

// A key's value (own keys only) or an index's item, as findNodeAtLocation finds them.
function childOf(value: unknown, key: string | number): unknown {
  if (Array.isArray(value)) return typeof key === "number" ? (value[key] as unknown) : undefined;
  if (typeof value !== "object" || value === null || typeof key !== "string") return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Inserts a child at the end of an object or array node: after the last child (in the user's
 * one-line or multi-line style), or, in an empty container, on a line of its own.
 */
function insertChild(text: string, container: Node, make: (indent: string | null, layout: Layout) => string): string {
  const layout = layoutOf(text);
  const children = container.children ?? [];
  const open = container.offset;
  const close = container.offset + container.length - 1;
  const last = children.at(-1);
  if (last !== undefined) {
    const end = last.offset + last.length;
    const multiline = /\n/.test(text.slice(open + 1, (children[0] as Node).offset));
    if (!multiline) return `${text.slice(0, end)},${make(null, layout)}${text.slice(end)}`;
    const indent = lineIndent(text, last.offset);
    return `${text.slice(0, end)},${layout.eol}${indent}${make(indent, layout)}${text.slice(end)}`;
  }
  const outer = lineIndent(text, open);
  const indent = outer + layout.unit;
  const inner = text.slice(open + 1, close);
  // An empty container: `{}` opens onto lines of its own; one holding comments keeps them after ours.
  if (inner.trim() === "") return `${text.slice(0, open + 1)}${layout.eol}${indent}${make(indent, layout)}${layout.eol}${outer}${text.slice(close)}`;
  return `${text.slice(0, open + 1)}${layout.eol}${indent}${make(indent, layout)}${text.slice(open + 1)}`;
}

/** Removes one child of a container: exactly the text {@link insertChild} added for it. */
function removeChild(text: string, container: Node, child: Node): string {
  const children = container.children ?? [];
  const i = children.indexOf(child);
  const prev = children[i - 1];
  if (prev !== undefined) return text.slice(0, prev.offset + prev.length) + text.slice(child.offset + child.length);
  const next = children[i + 1];
  if (next !== undefined) return text.slice(0, child.offset) + text.slice(next.offset);
  const open = container.offset;
  const close = container.offset + container.length - 1;
  if (text.slice(open + 1, child.offset).trim() === "" && text.slice(child.offset + child.length, close).trim() === "")
    return text.slice(0, open + 1) + text.slice(close);
  return text.slice(0, open + 1) + text.slice(child.offset + child.length);
}

function render(value: unknown, indent: string | null, layout: Layout): string {
  if (indent === null) return JSON.stringify(value);
  return JSON.stringify(value, null, layout.unit)
    .split("\n")
    .join(layout.eol + indent);
}

/**
 * Sets `path` to `value` in JSONC text: replaces the value when present, or adds the first missing
 * key (holding the rest of the path) at the end of its object. Comments, trailing commas and
 * formatting outside the edited text stay byte for byte.
 */
export function setJsonc(text: string, path: JSONPath, value: unknown): string {
  const base = text.trim() === "" ? "{}" : text;
  const existing = nodeAt(base, path);
  if (existing !== undefined) {
    // The same style insertChild chose: one line in a one-line container, else indented from its line.
    const container = existing.parent?.type === "property" ? existing.parent.parent : existing.parent;
    const first = container?.children?.[0];
    const multiline = container === undefined || first === undefined || /\n/.test(base.slice(container.offset + 1, first.offset));
    const indent = multiline ? lineIndent(base, existing.offset) : null;
    return base.slice(0, existing.offset) + render(value, indent, layoutOf(base)) + base.slice(existing.offset + existing.length);
  }
  // The deepest existing object on the path gets the first missing key; anything else in the way is refused.
  let depth = 0;
  let parent = tree(base) as Node; // never blank here, and tree() has thrown if it does not parse
  for (;;) {
    if (parent.type !== "object") throw wrongType(base, path.slice(0, depth), parent, "object");
    const child = findNodeAtLocation(parent, [path[depth] as string | number]);
    if (child === undefined) break;
    depth += 1;
    parent = child;
  }
  const nested = path.slice(depth + 1).reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
  const key = JSON.stringify(path[depth]);
  return insertChild(base, parent, (indent, layout) =>
    indent === null ? `${key}:${render(nested, null, layout)}` : `${key}: ${render(nested, indent, layout)}`,
  );
}

/** Removes `path` from JSONC text (nothing happens when it is absent). */
export function removeJsonc(text: string, path: JSONPath): string {
  const node = nodeAt(text, path);
  const member = node?.parent;
  if (member?.type !== "property" || member.parent === undefined) return text;
  return removeChild(text, member.parent, member);
}

/** Appends `value` to the array at `path` (creating the array when absent), keeping everything else. */
export function appendJsonc(text: string, path: JSONPath, value: unknown): string {
  const base = text.trim() === "" ? "{}" : text;
  const node = nodeAt(base, path);
  if (node === undefined) return setJsonc(base, path, [value]);
  if (node.type !== "array") throw wrongType(base, path, node, "array");
  return insertChild(base, node, (indent, layout) => render(value, indent, layout));
}

/** Removes the elements of the array at `path` for which `match` is true. */
export function removeFromJsoncArray(text: string, path: JSONPath, match: (element: unknown) => boolean): string {
  let out = text;
  for (;;) {
    const node = nodeAt(out, path);
    if (node?.type !== "array") return out;
    const found = [...(node.children ?? [])].reverse().find((child) => match(getNodeValue(child) as unknown));
    if (found === undefined) return out;
    out = removeChild(out, node, found);
  }
}

/**
 * Removes the matching elements of the arrays `parent.<key>`. An array that held only matching
 * elements goes entirely, and so does `parent` when that leaves it empty: what setup created
 * is undone as a whole, while arrays and objects that also hold the user's entries stay.
 */
export function removeFromJsoncArrays(text: string, parent: JSONPath, keys: string[], match: (element: unknown) => boolean): string {
  let out = text;
  let removedAny = false;
  for (const key of keys) {
    const node = nodeAt(out, [...parent, key]);
    if (node?.type !== "array") continue;
    const values = (node.children ?? []).map((child) => getNodeValue(child) as unknown);
    if (!values.some(match)) continue;
    removedAny = true;
    out = values.every(match) ? removeJsonc(out, [...parent, key]) : removeFromJsoncArray(out, [...parent, key], match);
  }
  return removedAny ? removeIfEmpty(out, parent) : out;
}

/** Removes the object at `path` when it has no members left. */
export function removeIfEmpty(text: string, path: JSONPath): string {
  const node = nodeAt(text, path);
  return node?.type === "object" && (node.children ?? []).length === 0 ? removeJsonc(text, path) : text;
}
