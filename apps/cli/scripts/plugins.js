// Builds the plugin folders from dist/ (run after bundle.js): the marketplace Claude Code and Codex
// install from (`.claude-plugin/marketplace.json`, `plugins/subagent-mcp/`) and the extension Gemini
// CLI and Qwen Code install by path (`extensions/subagent-mcp/`). Each gets its own copy of the server
// bundle, since every host copies a plugin into a cache of its own. The manifests come from
// @subagent-mcp/hosts (the same hooks setup writes); their version is this package's, which the
// changesets release bumps.
//
// They are written in this package's folder, so the npm package carries them (`files`) and the
// installed package is itself the marketplace; then copied to the repository's root (or argv[2]),
// so a checkout installs the same way.
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Buffer } from "node:buffer";
import { argv } from "node:process";
import { build } from "esbuild";

const app = join(import.meta.dirname, "..");

// Our packages from their sources, as the bundle is (a `pnpm --filter subagent-mcp build` on a fresh
// clone has not built their dist/), bundled in memory and loaded from there.
const { outputFiles } = await build({
  stdin: {
    contents: `export { EXTENSION_DIR, PLUGIN_DIR, pluginFiles } from "@subagent-mcp/hosts";
export { PLUGIN_POOL_DIR, PLUGIN_SERVER_PACKAGE } from "@subagent-mcp/contract";`,
    resolveDir: app,
    loader: "js",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  conditions: ["@subagent-mcp/source"],
  mainFields: ["module", "main"],
  write: false,
  logLevel: "warning",
});
const { EXTENSION_DIR, PLUGIN_DIR, PLUGIN_POOL_DIR, PLUGIN_SERVER_PACKAGE, pluginFiles } = await import(
  `data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString("base64")}`
);
const root = app;
const checkout = argv[2] ?? join(app, "..", "..");
const FOLDERS = [PLUGIN_DIR, EXTENSION_DIR, ".claude-plugin"];
const cli = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
const assets = join(app, "plugin");

for (const dir of FOLDERS) for (const at of [root, checkout]) rmSync(join(at, dir), { recursive: true, force: true });

const write = (path, content) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
};

for (const file of pluginFiles({ version: cli.version, description: cli.description, keywords: cli.keywords })) write(file.path, file.content);

for (const folder of [PLUGIN_DIR, EXTENSION_DIR]) {
  // The bundle without its source maps (a third of its size, of no use to a user), and the dashboard page.
  const dist = join(root, folder, "server", "dist");
  mkdirSync(dist, { recursive: true });
  for (const name of readdirSync(join(app, "dist"))) {
    if (name.endsWith(".map")) continue;
    cpSync(join(app, "dist", name), join(dist, name), { recursive: true });
  }
  chmodSync(join(dist, "main.js"), 0o755);
  // The bundle reads its version from ../package.json; the name tells the server it runs from a plugin.
  write(`${folder}/server/package.json`, `${JSON.stringify({ name: PLUGIN_SERVER_PACKAGE, version: cli.version, private: true, type: "module" }, null, 2)}\n`);
  write(`${folder}/skills/delegate/SKILL.md`, readFileSync(join(assets, "SKILL.md"), "utf8"));
  write(`${folder}/${PLUGIN_POOL_DIR}/reviewer.md`, readFileSync(join(assets, "reviewer.md"), "utf8"));
  write(`${folder}/README.md`, readFileSync(join(assets, "README.md"), "utf8"));
  write(`${folder}/LICENSE`, readFileSync(join(app, "LICENSE"), "utf8"));
}

// The checkout's copy: the package's folders as they are, file modes included.
for (const dir of FOLDERS) cpSync(join(root, dir), join(checkout, dir), { recursive: true });
