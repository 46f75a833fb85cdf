// pnpm compat:latest — before a release: installs the newest release of each agent CLI into a
// temporary prefix, runs the driver contract suite (packages/drivers/test/<cli>.test.ts) against
// those binaries through SUBAGENT_MCP_TEST_<CLI>_PATH, and prints one row per case.
// Options: --keep (leave the temporary prefix), --only claude,codex,gemini.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = join(import.meta.dirname, "..");
const CLIS = {
  claude: { pkg: "@anthropic-ai/claude-code", native: (req) => join(dir(req, `@anthropic-ai/claude-code-${tag()}`), "claude") },
  codex: {
    pkg: "@openai/codex",
    native: (req) => join(dir(req, `@openai/codex-${tag()}`), "vendor", `${process.arch === "x64" ? "x86_64" : "aarch64"}-unknown-linux-musl`, "bin", "codex"),
  },
  gemini: {
    pkg: "@google/gemini-cli",
    native: (req) => join(dir(req, "@google/gemini-cli"), JSON.parse(readFileSync(join(dir(req, "@google/gemini-cli"), "package.json"), "utf8")).bin.gemini),
  },
};

function tag() {
  return `${process.platform}-${process.arch}`;
}

// A package's directory as Node resolves it from `req` (the platform packages from their CLI's own).
function dir(req, name) {
  return dirname(req.resolve(`${name}/package.json`));
}

const args = process.argv.slice(2);
const keep = args.includes("--keep");
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? "").split(",") : Object.keys(CLIS);

const prefix = mkdtempSync(join(tmpdir(), "subagent-mcp-compat-latest-"));
writeFileSync(join(prefix, "package.json"), "{}\n");
try {
  const specs = only.map((cli) => `${CLIS[cli].pkg}@latest`);
  process.stderr.write(`installing ${specs.join(" ")} into ${prefix}\n`);
  execFileSync("npm", ["install", "--prefix", prefix, "--cache", join(prefix, "cache"), "--no-audit", "--no-fund", "--loglevel", "error", ...specs], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const req = createRequire(join(prefix, "package.json"));
  const env = { ...process.env };
  const versions = {};
  for (const cli of only) {
    const exe = CLIS[cli].native(createRequire(join(dir(req, CLIS[cli].pkg), "package.json")));
    env[`SUBAGENT_MCP_TEST_${cli.toUpperCase()}_PATH`] = exe;
    versions[cli] = JSON.parse(readFileSync(join(dir(req, CLIS[cli].pkg), "package.json"), "utf8")).version;
    process.stdout.write(`${cli} ${versions[cli]}: ${exe}${await tableSays(cli, versions[cli])}\n`);
  }
  const drivers = join(root, "packages", "drivers");
  // The package's vitest config writes its JSON report here (this run's, like any other run's).
  const report = join(drivers, ".test-results", "vitest.json");
  const t0 = Date.now();
  const run = spawnSync("npx", ["vitest", "run", ...only.map((cli) => `test/${cli}.test.ts`)], {
    cwd: drivers,
    env,
    stdio: ["ignore", process.env.COMPAT_VERBOSE === "1" ? "inherit" : "ignore", "inherit"],
  });
  const wall = Math.round((Date.now() - t0) / 1000);
  printTable(JSON.parse(readFileSync(report, "utf8")), versions);
  process.stdout.write(`\nwall time ${wall} s; vitest exit ${run.status}\n`);
  process.exitCode = run.status === 0 ? 0 : 1;
} finally {
  if (keep) process.stderr.write(`kept ${prefix}\n`);
  else rmSync(prefix, { recursive: true, force: true });
}

// What the compatibility table says of this release (from the drivers' build, when there is one).
async function tableSays(cli, version) {
  const built = join(root, "packages", "drivers", "dist", "index.js");
  if (!existsSync(built)) return "";
  const { checkCompat } = await import(built);
  const result = checkCompat(cli, version);
  return ` (compat table: ${result.status}${result.status === "newer" ? ": add it to packages/drivers/src/compat/compat.ts once the suite passes" : ""})`;
}

function printTable(json, versions) {
  const rows = [["CLI", "version", "case", "status", "time"]];
  for (const file of json.testResults) {
    const cli = Object.keys(versions).find((c) => file.name.endsWith(`/test/${c}.test.ts`));
    for (const t of file.assertionResults) rows.push([cli, versions[cli], t.title, t.status, `${((t.duration ?? 0) / 1000).toFixed(1)} s`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [i, row] of rows.entries()) {
    process.stdout.write(`${row.map((cell, j) => String(cell).padEnd(widths[j])).join("  ")}\n`);
    if (i === 0) process.stdout.write(`${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  }
}
