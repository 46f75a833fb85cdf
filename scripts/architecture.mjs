// The layering as a rule the build keeps: dependency-cruiser checks every import of our packages
// against the tiers of .dependency-cruiser.cjs, each import of another package of ours must be
// declared in the importer's package.json, ARCHITECTURE.md's layer diagram must be the one
// drawn from the code, and no source file may pass 350 lines. Run by `pnpm lint`.
//
//   node scripts/architecture.mjs           check (exit 1 on a broken rule or a stale diagram)
//   node scripts/architecture.mjs --write   redraw the diagram in ARCHITECTURE.md
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { cruise } from "dependency-cruiser";

const root = resolve(import.meta.dirname, "..");
const config = createRequire(import.meta.url)(join(root, ".dependency-cruiser.cjs"));
const { tiers, dirOf } = config;
const BEGIN = "<!-- layers:begin (drawn by scripts/architecture.mjs --write) -->";
const END = "<!-- layers:end -->";

const problems = [];

// Every folder of ours has a tier, and every tier names a folder.
const folders = ["packages", "apps"].flatMap((top) =>
  readdirSync(join(root, top), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, top, d.name, "package.json")))
    .map((d) => `${top}/${d.name}`),
);
const tiered = new Set(tiers.flat().map(dirOf));
for (const f of folders) if (!tiered.has(f)) problems.push(`${f} has no tier in .dependency-cruiser.cjs`);
for (const f of tiered) if (!folders.includes(f)) problems.push(`.dependency-cruiser.cjs names ${f}, which does not exist`);

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
const lines = ["```", "tier  package          imports (only from lower tiers)"];
tiers.forEach((tier, t) => {
  tier.forEach((name, i) => {
    const to = [...(edges.get(dirOf(name)) ?? [])].map(short).sort();
    lines.push(`${i === 0 ? String(t).padEnd(6) : "      "}${name.padEnd(17)}${to.length === 0 ? "-" : `──► ${to.join(", ")}`}`.trimEnd());
  });
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

// No source file over MAX_LINES: past that, a file holds more than one idea (CONTRIBUTING.md).
const MAX_LINES = 350;
const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : /\.(ts|tsx|js|mjs)$/.test(d.name) ? [join(dir, d.name)] : [],
  );
for (const f of folders) {
  const src = join(root, f, "src");
  if (!existsSync(src)) continue;
  for (const file of sources(src)) {
    const count = readFileSync(file, "utf8").split("\n").length - 1;
    if (count > MAX_LINES) problems.push(`${file.slice(root.length + 1)} has ${count} lines, over ${MAX_LINES}: split it where its ideas part`);
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`architecture: ${p}`);
  process.exit(1);
}
console.error(`architecture: ${summary.totalCruised} modules, ${tiers.flat().length} packages in ${tiers.length} tiers, layering holds`);
