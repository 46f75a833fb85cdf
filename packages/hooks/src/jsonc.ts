import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions, type JSONPath } from "jsonc-parser";

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
