// The docs cannot rot: every relative link and image of README.md, ARCHITECTURE.md, CONTRIBUTING.md
// and docs/**/*.md leads to a file (and its anchor to a heading), and no page names a tool, config
// key, CLI command or flag, or environment variable that the generated reference
// (docs/reference/reference.json) does not have. Static and offline: web links are not fetched.
// Run by `pnpm lint`.
//
//   node scripts/docs-check.mjs                  check this checkout (exit 1 on any problem)
//   node scripts/docs-check.mjs --root DIR       check another tree laid out the same way
//   node scripts/docs-check.mjs --reference F    names from reference file F instead of the tree's
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { linkProblem, linksIn } from "./docs/links.mjs";
import { parseMarkdown } from "./docs/markdown.mjs";
import { mentionProblems } from "./docs/mentions.mjs";
import { referenceOf } from "./docs/reference.mjs";

const { values } = parseArgs({ options: { root: { type: "string" }, reference: { type: "string" } } });
const root = resolve(values.root ?? join(import.meta.dirname, ".."));
const REFERENCE = join("docs", "reference", "reference.json");

function markdownUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(dir, f))
    .sort();
}

const pages = [
  ...["README.md", "ARCHITECTURE.md", "CONTRIBUTING.md"].map((f) => join(root, f)).filter((f) => existsSync(f)),
  ...markdownUnder(join(root, "docs")),
];
const referencePath = values.reference === undefined ? join(root, REFERENCE) : resolve(values.reference);
// Without the reference no name could be checked: that is a failure, not a pass (`pnpm reference` writes it).
if (!existsSync(referencePath)) {
  console.error(`docs-check: ${relative(root, referencePath)} is missing: run pnpm reference`);
  process.exit(1);
}
const ref = referenceOf(JSON.parse(readFileSync(referencePath, "utf8")));

const problems = [];
for (const file of pages) {
  const page = parseMarkdown(readFileSync(file, "utf8"));
  const name = relative(root, file);
  const found = linksIn(page.prose).flatMap((link) => {
    const message = linkProblem(root, file, link.target);
    return message === undefined ? [] : [{ line: page.lineAt(link.offset), message }];
  });
  // The reference pages are generated from the code: they are the names, not mentions of them.
  if (!name.startsWith(join("docs", "reference"))) found.push(...mentionProblems(page, ref));
  found.sort((a, b) => a.line - b.line);
  for (const p of found) problems.push(`${name}:${p.line}: ${p.message}`);
}

for (const p of problems) console.log(p);
if (problems.length > 0) {
  console.error(`docs-check: ${problems.length} problem(s) in ${pages.length} page(s)`);
  process.exit(1);
}
console.error(`docs-check: ${pages.length} page(s) checked, no problems`);
