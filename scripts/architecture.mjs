// The package graph as a rule the build keeps: dependency-cruiser checks every import of our
// packages against the edges `allowed` in .dependency-cruiser.cjs, that graph must have no cycle,
// each import of another package of ours must be declared in the importer's package.json,
// ARCHITECTURE.md's diagram must be the one drawn from the code, every package stays within its
// line budget and every folder within its count of files, and no source file (nor file of
// the dashboard's page) may pass 350 lines, nor any function its length (function-lengths.mjs).
// Run by `pnpm lint`.
//
//   node scripts/architecture.mjs           check (exit 1 on a broken rule or a stale diagram)
//   node scripts/architecture.mjs --write   redraw the diagram in ARCHITECTURE.md
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { cruise } from "dependency-cruiser";
import { functionProblems } from "./function-lengths.mjs";

const root = resolve(import.meta.dirname, "..");
const config = createRequire(import.meta.url)(join(root, ".dependency-cruiser.cjs"));
const { allowed, dirOf } = config;
const BEGIN = "<!-- layers:begin (drawn by scripts/architecture.mjs --write) -->";
const END = "<!-- layers:end -->";

const problems = [];

// Every folder of ours has its line in `allowed`, and every line names a folder.
const folders = ["packages", "apps"].flatMap((top) =>
  readdirSync(join(root, top), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, top, d.name, "package.json")))
    .map((d) => `${top}/${d.name}`),
);
const listed = new Set(Object.keys(allowed).map(dirOf));
for (const f of folders) if (!listed.has(f)) problems.push(`${f} has no line in \`allowed\` of .dependency-cruiser.cjs`);
for (const f of listed) if (!folders.includes(f)) problems.push(`.dependency-cruiser.cjs names ${f}, which does not exist`);
for (const [name, deps] of Object.entries(allowed))
  for (const d of deps) if (!(d in allowed)) problems.push(`.dependency-cruiser.cjs lets ${name} import ${d}, which has no line`);

// The allowed graph has no cycle; a package's level is the length of its longest path down.
const level = new Map();
const levelOf = (name, path = []) => {
  if (path.includes(name)) {
    problems.push(`.dependency-cruiser.cjs has a cycle: ${[...path.slice(path.indexOf(name)), name].join(" -> ")}`);
    return 0;
  }
  if (!level.has(name)) level.set(name, Math.max(-1, ...(allowed[name] ?? []).filter((d) => d in allowed).map((d) => levelOf(d, [...path, name]))) + 1);
  return level.get(name);
};
for (const name of Object.keys(allowed)) levelOf(name);

const previous = process.cwd();
process.chdir(root); // dependency-cruiser reports and matches paths relative to the working folder
const result = await cruise(["packages", "apps"], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true }, {}, {});
process.chdir(previous);
const { modules, summary } = result.output;

for (const v of summary.violations) problems.push(`${v.rule.name}: ${v.from} -> ${v.to}`);

// The package graph of the sources (tests may use more, e.g. the testkit).
const folderOf = (path) => path.split("/").slice(0, 2).join("/");
const manifests = new Map(folders.map((f) => [f, JSON.parse(readFileSync(join(root, f, "package.json"), "utf8"))]));
const edges = new Map(folders.map((f) => [f, new Set()]));
for (const m of modules) {
  const from = folderOf(m.source);
  const isSource = /^(packages|apps)\/[^/]+\/(src|ui)\//.test(m.source);
  for (const d of m.dependencies) {
    if (!/^(packages|apps)\//.test(d.resolved)) continue;
    const to = folderOf(d.resolved);
    if (to === from) continue;
    const manifest = manifests.get(from);
    const declared = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    const name = manifests.get(to)?.name;
    // A relative import into another package is no-reach-into-src's to report.
    if (name !== undefined && !d.dependencyTypes.includes("local") && !(name in declared))
      problems.push(`${m.source} imports ${name}, which ${from}/package.json does not declare`);
    if (isSource) edges.get(from)?.add(to);
  }
}

const short = (f) => (f.startsWith("packages/") ? f.slice("packages/".length) : f);
const lines = ["```", "level package          imports"];
const byLevel = [...level].sort(([a, la], [b, lb]) => la - lb || Object.keys(allowed).indexOf(a) - Object.keys(allowed).indexOf(b));
byLevel.forEach(([name, l], i) => {
  const to = [...(edges.get(dirOf(name)) ?? [])].map(short).sort();
  const first = i === 0 || byLevel[i - 1][1] !== l;
  lines.push(`${first ? String(l).padEnd(6) : "      "}${name.padEnd(17)}${to.length === 0 ? "-" : `──► ${to.join(", ")}`}`.trimEnd());
});
lines.push("```");
const drawn = lines.join("\n");

const docPath = join(root, "ARCHITECTURE.md");
const doc = readFileSync(docPath, "utf8");
const start = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
if (start < 0 || end < start) problems.push(`ARCHITECTURE.md lacks the markers ${BEGIN} ... ${END}`);
else {
  const next = `${doc.slice(0, start + BEGIN.length)}\n${drawn}\n${doc.slice(end)}`;
  if (process.argv.includes("--write")) writeFileSync(docPath, next);
  else if (next !== doc) problems.push("ARCHITECTURE.md's layer diagram is not the code's: run `node scripts/architecture.mjs --write`");
}

// No source file over MAX_LINES: past that, a file holds more than one idea (CONTRIBUTING.md). The
// dashboard's page (ui/: its scripts and styles) is held to the same size.
const MAX_LINES = 350;
const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : /\.(ts|tsx|js|mjs|css|html)$/.test(d.name) ? [join(dir, d.name)] : [],
  );
for (const f of folders) {
  for (const file of ["src", "ui"].flatMap((sub) => (existsSync(join(root, f, sub)) ? sources(join(root, f, sub)) : []))) {
    const count = readFileSync(file, "utf8").split("\n").length - 1;
    if (count > MAX_LINES) problems.push(`${file.slice(root.length + 1)} has ${count} lines, over ${MAX_LINES}: split it where its ideas part`);
  }
}

// A package's sources within its line budget, and no folder of them past MAX_FILES files: past
// those, a feature must choose a home (another package, or a folder of its own) instead of piling on.
const LINE_BUDGETS = { default: 6_000, "packages/server": 6_000 };
const MAX_FILES = 25;
for (const f of folders) {
  const src = join(root, f, "src");
  if (!existsSync(src)) continue;
  const files = sources(src).filter((file) => /\.(ts|tsx|js|mjs)$/.test(file) && !file.endsWith(".d.ts"));
  const total = files.reduce((sum, file) => sum + readFileSync(file, "utf8").split("\n").length - 1, 0);
  const budget = LINE_BUDGETS[f] ?? LINE_BUDGETS.default;
  if (total > budget) problems.push(`${f}/src has ${total} lines, over its budget of ${budget}: move what belongs to another concept to its package`);
  const perFolder = new Map();
  for (const file of files) {
    const dir = file.slice(root.length + 1, file.lastIndexOf("/"));
    perFolder.set(dir, (perFolder.get(dir) ?? 0) + 1);
  }
  for (const [dir, count] of perFolder) {
    if (count > MAX_FILES) problems.push(`${dir} has ${count} files, over ${MAX_FILES}: give the feature a folder (or a package) of its own`);
  }
}

// No function past its length (scripts/function-lengths.mjs: 80 lines in the fleet, 100 elsewhere).
problems.push(
  ...functionProblems(
    folders.flatMap((f) => (existsSync(join(root, f, "src")) ? sources(join(root, f, "src")) : [])).map((file) => [file, file.slice(root.length + 1)]),
  ),
);

if (problems.length > 0) {
  for (const p of problems) console.error(`architecture: ${p}`);
  process.exit(1);
}
console.error(`architecture: ${summary.totalCruised} modules, ${level.size} packages, ${Math.max(...level.values()) + 1} levels, the graph holds`);
