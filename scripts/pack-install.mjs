// Installs the workspace the way a user gets it: `pnpm pack` of every public package (which rewrites
// workspace: and catalog: specifiers), then plain `npm install` of the tarballs into empty prefixes
// with a cache of their own. Prints one JSON report; exits 1 when a check fails.
//
//   node scripts/pack-install.mjs [--dir DIR] [--loopback-only]     (run `pnpm build` first)
//
// Two installs: the CLI's tarball alone, offline (it must need nothing but itself), and every
// tarball together (each library must install with its declared dependencies, which do come from
// the registry; our own packages never do: their scope points at a closed port). --loopback-only
// (the tests: they may reach 127.0.0.1 only) skips the second; the packed manifests are still
// checked for development tools among their dependencies.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..");

/** Packages a user may install: every workspace package not marked private. */
export function publicPackages() {
  return ["apps", "packages", "tooling"]
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** What must never reach a user's node_modules: test, lint and build tools, the agent CLIs, our private packages. */
export const DEV_ONLY = [
  "vitest",
  "eslint",
  "typescript",
  "esbuild",
  "playwright-core",
  "fast-check",
  "@types/node",
  "@subagent-mcp/testkit",
  "@subagent-mcp/eslint-config",
  "@subagent-mcp/tsconfig",
  "@subagent-mcp/vitest-config",
  "@anthropic-ai/claude-code",
  "@openai/codex",
  "@google/gemini-cli",
];

function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`${command} ${args.join(" ")} exited ${code}\n${stderr || stdout}`))));
  });
}

// A few packs at a time: each is mostly pnpm's start-up.
async function inBatches(items, size, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

// Every file an `exports` map or `bin` names, conditions included.
function targets(value) {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(targets);
}

async function pack(pkg, dest, problems) {
  if (!existsSync(join(pkg.dir, "dist"))) throw new Error(`${pkg.manifest.name}: no dist/ (run pnpm build first)`);
  const info = JSON.parse(await run("pnpm", ["pack", "--json", "--pack-destination", dest], { cwd: pkg.dir }));
  const text = await run("tar", ["-xzOf", info.filename, "package/package.json"]);
  const packed = JSON.parse(text);
  const files = new Set(info.files.map((f) => f.path));
  const name = packed.name;
  if (/workspace:|catalog:/.test(text)) problems.push(`${name}: a workspace: or catalog: specifier is left in package.json`);
  if (packed.engines?.node !== ">=20.19.0") problems.push(`${name}: engines.node is ${packed.engines?.node}`);
  for (const target of [...targets(packed.exports), ...targets(packed.bin)]) {
    if (!files.has(target.replace(/^\.\//, ""))) problems.push(`${name}: ${target} is named but not in the tarball`);
  }
  if ([...files].some((f) => f.endsWith(".map") && name === "subagent-mcp")) problems.push(`${name}: ships source maps`);
  if (name === "subagent-mcp") await checkPlugins(info.filename, packed.version, files, problems);
  const packedKb = Math.round(statSync(info.filename).size / 1024);
  return { name, version: packed.version, tarball: info.filename, files: files.size, packedKb, manifest: packed };
}

// The CLI's package is the marketplace a user adds after `npm install -g`: its manifest, the plugin
// (Claude Code, Codex) and the extension (Gemini CLI, Qwen Code), each with a whole copy of the server.
const PLUGIN_FOLDERS = ["plugins/subagent-mcp", "extensions/subagent-mcp"];
const PLUGIN_MANIFESTS = [
  ".claude-plugin/marketplace.json",
  "plugins/subagent-mcp/.claude-plugin/plugin.json",
  "plugins/subagent-mcp/.codex-plugin/plugin.json",
  "plugins/subagent-mcp/hooks/claude.json",
  "extensions/subagent-mcp/gemini-extension.json",
  "extensions/subagent-mcp/qwen-extension.json",
  "extensions/subagent-mcp/hooks/hooks.json",
];

async function checkPlugins(tarball, version, files, problems) {
  const bundle = [...files].filter((f) => f.startsWith("dist/"));
  const wanted = [
    ...PLUGIN_MANIFESTS,
    ...PLUGIN_FOLDERS.flatMap((folder) => [
      `${folder}/server/package.json`,
      `${folder}/skills/delegate/SKILL.md`,
      ...bundle.map((f) => `${folder}/server/${f}`),
    ]),
  ];
  const missing = wanted.filter((f) => !files.has(f));
  if (missing.length > 0)
    problems.push(`subagent-mcp: the tarball lacks ${missing.length} plugin files (run pnpm build), e.g. ${missing.slice(0, 3).join(", ")}`);
  for (const folder of PLUGIN_FOLDERS) {
    if (!files.has(`${folder}/server/package.json`)) continue;
    const server = JSON.parse(await run("tar", ["-xzOf", tarball, `package/${folder}/server/package.json`]));
    if (server.version !== version) problems.push(`subagent-mcp: ${folder}/server is version ${server.version}, not ${version} (run pnpm build)`);
  }
}

async function sizeKb(dir) {
  return Number((await run("du", ["-sk", dir])).split("\t")[0]);
}

async function install(prefix, tarballs, cache, offline) {
  mkdirSync(prefix, { recursive: true });
  const started = performance.now();
  await run("npm", [
    "install",
    "--prefix",
    prefix,
    "--cache",
    cache,
    offline ? "--offline" : "--prefer-offline",
    // Offline, no registry at all: any request would be refused at once on loopback.
    ...(offline ? ["--registry=http://127.0.0.1:9/"] : []),
    // npm still asks a registry about a dependency that one of the tarballs already provides;
    // for our scope the answer is a refused connection at once (no back-off), then the tarball.
    "--@subagent-mcp:registry=http://127.0.0.1:9/",
    "--fetch-retry-mintimeout=1",
    "--fetch-retry-maxtimeout=1",
    "--no-audit",
    "--no-fund",
    "--no-update-notifier",
    "--loglevel=error",
    ...tarballs,
  ]);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const modules = join(prefix, "node_modules");
  const installed = readdirSync(modules)
    .filter((n) => !n.startsWith("."))
    .flatMap((n) => (n.startsWith("@") ? readdirSync(join(modules, n)).map((s) => `${n}/${s}`) : [n]));
  return { prefix, seconds, kb: await sizeKb(modules), installed };
}

// Every name under node_modules, nested ones included (a dev tool could hide below a dependency).
function allInstalled(modules, out = new Set()) {
  if (!existsSync(modules)) return out;
  for (const n of readdirSync(modules)) {
    if (n.startsWith(".")) continue;
    const names = n.startsWith("@") ? readdirSync(join(modules, n)).map((s) => `${n}/${s}`) : [n];
    for (const name of names) {
      out.add(name);
      allInstalled(join(modules, name, "node_modules"), out);
    }
  }
  return out;
}

/** Packs, installs and checks; returns the report. */
export async function packInstall(dir, options = {}) {
  const problems = [];
  const tarballs = join(dir, "tarballs");
  const cache = join(dir, "npm-cache");
  mkdirSync(tarballs, { recursive: true });
  const packages = publicPackages();
  // Every public package is in the one fixed group that changesets versions together.
  const fixed = JSON.parse(readFileSync(join(root, ".changeset", "config.json"), "utf8")).fixed?.[0] ?? [];
  const names = packages.map((p) => p.manifest.name);
  if ([...fixed].sort().join() !== [...names].sort().join()) problems.push(`.changeset/config.json's fixed group is not ${names.join(", ")}`);
  const packed = await inBatches(packages, 4, (pkg) => pack(pkg, tarballs, problems));
  const cliTarball = packed.find((p) => p.name === "subagent-mcp");
  if (cliTarball === undefined) throw new Error("the subagent-mcp package is not in the workspace");

  const cli = await install(join(dir, "cli"), [cliTarball.tarball], cache, true);
  if (cli.installed.join() !== "subagent-mcp") problems.push(`the CLI alone installed ${cli.installed.join(", ")}`);
  // What a packed manifest asks npm to install: never a development tool.
  for (const { name, manifest } of packed)
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }))
      if (DEV_ONLY.includes(dep)) problems.push(`${name} depends on ${dep}`);
  if (options.loopbackOnly === true)
    return {
      dir,
      packages: packed.map(({ name, version, tarball, files, packedKb }) => ({ name, version, tarball, files, packedKb })),
      cli: { ...cli, bin: join(cli.prefix, "node_modules", ".bin", "subagent-mcp") },
      problems,
    };
  const all = await install(
    join(dir, "all"),
    packed.map((p) => p.tarball),
    cache,
    false,
  );
  const everything = allInstalled(join(all.prefix, "node_modules"));
  for (const name of DEV_ONLY) if (everything.has(name)) problems.push(`${name} is installed`);
  const ls = async (extra) =>
    (await run("npm", ["ls", "--all", "--parseable", "--prefix", all.prefix, "--cache", cache, ...extra])).split("\n").filter(Boolean).sort().join("\n");
  if ((await ls([])) !== (await ls(["--omit=dev"]))) problems.push("npm ls --omit=dev differs from the installed tree");

  // Each library loads from the installed tree alone, through every entry of its exports.
  const entries = packed
    .filter((p) => p.name !== "subagent-mcp")
    .flatMap((p) => Object.keys(p.manifest.exports ?? {}).map((sub) => (sub === "." ? p.name : `${p.name}/${sub.slice(2)}`)));
  const script = `for (const e of ${JSON.stringify(entries)}) await import(e);`;
  await run(process.execPath, ["--input-type=module", "-e", script], { cwd: all.prefix }).catch((error) =>
    problems.push(`a library does not load: ${error.message}`),
  );

  return {
    dir,
    packages: packed.map(({ name, version, tarball, files, packedKb }) => ({ name, version, tarball, files, packedKb })),
    cli: { ...cli, bin: join(cli.prefix, "node_modules", ".bin", "subagent-mcp") },
    all: { ...all, installed: everything.size, entries: entries.length },
    problems,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf("--dir");
  const dir = at > 0 ? resolve(process.argv[at + 1]) : mkdtempSync(join(tmpdir(), "subagent-mcp-pack-"));
  const report = await packInstall(dir, { loopbackOnly: process.argv.includes("--loopback-only") });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (report.problems.length > 0) process.exitCode = 1;
}
