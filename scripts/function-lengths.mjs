// How long the functions of our sources are, read from the TypeScript syntax tree (a nested
// function counts on its own, from its first line to its last). scripts/architecture.mjs holds
// them to LIMITS: past those, a function does more than one thing and is split where its steps part.
import { readFileSync } from "node:fs";
import ts from "typescript";

/** The longest a function may be, the stricter folders first; `over` allows that many past `max`. */
export const LIMITS = [
  { folder: "packages/fleet/src/", max: 80, over: 0 },
  { folder: "", max: 100, over: 0 },
];

/** Every function of `file` longer than `min` lines: `{ file, line, name, lines }`. */
export function longFunctions(file, relative, min) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found = [];
  const lineOf = (pos) => source.getLineAndCharacterOfPosition(pos).line;
  const visit = (node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const lines = lineOf(node.end) - lineOf(node.getStart(source)) + 1;
      if (lines > min) found.push({ file: relative, line: lineOf(node.getStart(source)) + 1, name: nameOf(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

// A function's name as a reader would look for it: its own, its variable's or property's, else "(anonymous)".
function nameOf(node) {
  if (node.name !== undefined) return node.name.getText();
  const parent = node.parent;
  if (parent !== undefined && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) return parent.name.getText();
  return "(anonymous)";
}

/** The problems of `files` (`[absolute, relative]` pairs) against LIMITS, one line each. */
export function functionProblems(files) {
  const least = Math.min(...LIMITS.map((l) => l.max));
  const long = files.filter(([, rel]) => rel.endsWith(".ts")).flatMap(([abs, rel]) => longFunctions(abs, rel, least));
  const problems = [];
  for (const limit of LIMITS) {
    const stricter = LIMITS.slice(0, LIMITS.indexOf(limit)).map((l) => l.folder);
    const past = long.filter((f) => f.file.startsWith(limit.folder) && !stricter.some((s) => f.file.startsWith(s)) && f.lines > limit.max);
    if (past.length > limit.over)
      problems.push(
        `${past.length} functions${limit.folder === "" ? "" : ` in ${limit.folder}`} pass ${limit.max} lines (at most ${limit.over} may): ${past
          .sort((a, b) => b.lines - a.lines)
          .map((f) => `${f.file}:${f.line} ${f.name} (${f.lines})`)
          .join(", ")}`,
      );
  }
  return problems;
}
