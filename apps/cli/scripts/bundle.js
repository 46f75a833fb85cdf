// Builds dist/ as a few ESM chunks instead of hundreds of modules: the MCP server starts (and a
// hook runs) without resolving, reading and compiling each of its dependencies' files one by one,
// which was most of its start-up time (apps/bench "client connect + initialize"). Lazy `import()`s
// stay lazy, as chunks of their own. Type checking stays with `tsc` (the typecheck task).
import { build } from "esbuild";
import { chmodSync, cpSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const outdir = join(root, "dist");

// zod's namespace object re-exports every locale's messages (about 300 KB, a fifth of what the
// server loads at start), and a namespace cannot be tree-shaken. We only ever use English, which
// zod configures by default, so the other locales are left out.
const englishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes("/zod/") ? { path: "zod-locales", namespace: "zod-english-only", pluginData: join(args.resolveDir, "..", "locales") } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: args.pluginData,
      loader: "js",
    }));
  },
};

// The MCP SDK supports zod 3 schemas beside zod 4 ones: zod 3 itself and zod-to-json-schema would
// load with every server (a tenth of what it loads at start) though all our schemas are zod 4.
// They are left out; a zod 3 schema reaching the SDK fails loudly.
const noZod3 = {
  name: "no-zod3",
  setup(b) {
    b.onResolve({ filter: /^(zod\/v3|zod-to-json-schema)$/ }, (args) =>
      args.importer.includes("@modelcontextprotocol") ? { path: args.path, namespace: "no-zod3" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "no-zod3" }, (args) => ({
      contents: `const no = () => { throw new Error("subagent-mcp is built without zod 3 (${args.path})"); };
export const object = no, zodToJsonSchema = no, ZodFirstPartyTypeKind = {};
export default {};`,
      loader: "js",
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, "src", "main.ts")],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Our packages from their sources (never a stale dist), and the ESM entries of dual packages.
  conditions: ["@subagent-mcp/source"],
  mainFields: ["module", "main"],
  // CommonJS dependencies (ajv, cross-spawn) call require(), which ESM output does not define.
  banner: { js: "import { createRequire as __subagentMcpRequire } from 'node:module'; const require = __subagentMcpRequire(import.meta.url);" },
  plugins: [englishOnly, noZod3],
  minify: true,
  keepNames: false,
  sourcemap: "linked",
  logLevel: "warning",
});
chmodSync(join(outdir, "main.js"), 0o755);
// The dashboard's page (plain files, no build step) next to the chunks: `dashboard` serves dist/ui.
cpSync(join(root, "..", "..", "packages", "dashboard", "ui"), join(outdir, "ui"), { recursive: true });
