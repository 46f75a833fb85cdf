import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, type FormattingOptions, type JSONPath } from "jsonc-parser";

// Indentation of the file itself, so our entries look like the user's.
function formatting(text: string): FormattingOptions {
  const indent = /^([ \t]+)["}\]]/m.exec(text)?.[1] ?? "  ";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return indent.startsWith("\t") ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/** Whether `path` exists in the JSONC text. */
export function hasJsoncPath(text: string, path: JSONPath): boolean {
  const tree = parseTree(text);
  return tree !== undefined && findNodeAtLocation(tree, path) !== undefined;
}

/**
 * Sets `path` to `value` in JSONC text with a real JSONC parser: comments, trailing commas and
 * formatting outside the edited property stay byte for byte.
 */
export function setJsonc(text: string, path: JSONPath, value: unknown): string {
  const base = text.trim() === "" ? "{}" : text;
  return applyEdits(base, modify(base, path, value, { formattingOptions: formatting(base) }));
}

/** Removes `path` from JSONC text (nothing happens when it is absent). */
export function removeJsonc(text: string, path: JSONPath): string {
  if (!hasJsoncPath(text, path)) return text;
  return applyEdits(text, modify(text, path, undefined, { formattingOptions: formatting(text) }));
}

/** Appends `value` to the array at `path` (creating the array when absent), keeping everything else. */
export function appendJsonc(text: string, path: JSONPath, value: unknown): string {
  const base = text.trim() === "" ? "{}" : text;
  const tree = parseTree(base);
  const node = tree === undefined ? undefined : findNodeAtLocation(tree, path);
  if (node?.type !== "array") return setJsonc(base, path, [value]);
  return applyEdits(base, modify(base, [...path, -1], value, { formattingOptions: formatting(base), isArrayInsertion: true }));
}

/** Removes the elements of the array at `path` for which `match` is true. */
export function removeFromJsoncArray(text: string, path: JSONPath, match: (element: unknown) => boolean): string {
  const tree = parseTree(text);
  const node = tree === undefined ? undefined : findNodeAtLocation(tree, path);
  if (node?.type !== "array") return text;
  let out = text;
  const indexes = (node.children ?? []).map((child, i) => ({ i, value: getNodeValue(child) as unknown })).filter((c) => match(c.value)).map((c) => c.i);
  for (const i of indexes.reverse()) out = applyEdits(out, modify(out, [...path, i], undefined, { formattingOptions: formatting(out) }));
  return out;
}
