// Builds dist/ as a few ESM chunks instead of hundreds of modules: the MCP server starts (and a
// hook runs) without resolving, reading and compiling each of its dependencies' files one by one,
// which was most of its start-up time (apps/bench "client connect + initialize"). Lazy `import()`s
// stay lazy, as chunks of their own. Type checking stays with `tsc` (the typecheck task).
import { build } from "esbuild";
import { chmodSync, cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { env } from "node:process";
import { fromSources, listedSchemas } from "./listing.js";

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

// Big CommonJS dependencies a fresh server does not run: the MCP SDK's JSON Schema validator (ajv,
// used only to check a tool's structured output) and the shell parser (used only once a permission
// rule meets a command). Each is built into a file of its own and required on its first call, so
// the server neither reads nor compiles it before (apps/bench, "idle server RSS"). The shims keep
// the call shapes their importers use: `new Ajv(options)`, `addFormats(ajv)`, `parse(source, options)`.
const LAZY = {
  ajv: {
    file: "lazy-ajv.cjs",
    shim: "export default function Ajv(options) { return new (load().Ajv)(options); }",
    entry: (p) => `const m = require(${p.ajv}); module.exports.Ajv = m.default ?? m;`,
  },
  "ajv-formats": {
    file: "lazy-ajv.cjs",
    shim: "export default function addFormats(ajv, options) { return load().addFormats(ajv, options); }",
    entry: (p) => `const f = require(${p["ajv-formats"]}); module.exports.addFormats = f.default ?? f;`,
  },
  "@ericcornelissen/bash-parser": {
    file: "lazy-bash-parser.cjs",
    shim: "export default function parse(source, options) { return load().parse(source, options); }",
    entry: (p) => `module.exports.parse = require(${p["@ericcornelissen/bash-parser"]});`,
  },
};
const lazyCommonJs = {
  name: "lazy-commonjs",
  setup(b) {
    const resolved = {};
    b.onResolve({ filter: /^(ajv|ajv-formats|@ericcornelissen\/bash-parser)$/ }, async (args) => {
      if (args.namespace === "lazy-commonjs") return undefined;
      const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, namespace: "lazy-commonjs" });
      if (real.errors.length > 0) return { errors: real.errors };
      resolved[args.path] = JSON.stringify(real.path);
      return { path: args.path, namespace: "lazy-commonjs" };
    });
    b.onResolve({ filter: /^\.\/lazy-.*\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: "lazy-commonjs" }, (args) => ({
      contents: `let m; const load = () => (m ??= require("./${LAZY[args.path].file}"));\n${LAZY[args.path].shim}`,
      loader: "js",
    }));
    b.onEnd(async (result) => {
      if (result.errors.length > 0) return;
      const files = {};
      for (const [name, lazy] of Object.entries(LAZY)) if (resolved[name] !== undefined) (files[lazy.file] ??= []).push(lazy.entry(resolved));
      for (const [file, entries] of Object.entries(files)) {
        await build({
          stdin: { contents: entries.join("\n"), resolveDir: root, loader: "js" },
          outfile: join(outdir, file),
          bundle: true,
          format: "cjs",
          platform: "node",
          target: "node20",
          minify: true,
          logLevel: "warning",
        });
      }
    });
  },
};

// tools/list from JSON Schemas made here, not at every start (listing.js).
const listed = await listedSchemas();
if (Object.keys(JSON.parse(listed)).length === 0) throw new Error("the build's listing found no tools");
const premadeSchemas = {
  name: "premade-schemas",
  setup(b) {
    b.onLoad({ filter: /mcp-transport[\\/]src[\\/]premade-schemas\.ts$/ }, () => ({
      contents: `export const PREMADE_SCHEMAS = ${JSON.stringify(listed)};`,
      loader: "js",
    }));
  },
};

// The protocol versions the SDK's initialize echoes: the door of `mcp` (src/mcp/entry.ts) answers
// `initialize` before any SDK module loads, and knows them from here.
const { SUPPORTED_PROTOCOL_VERSIONS } = await import("@modelcontextprotocol/sdk/types.js");

rmSync(outdir, { recursive: true, force: true });
const built = await build({
  entryPoints: [join(root, "src", "main.ts")],
  outdir,
  splitting: true,
  ...fromSources,
  plugins: [englishOnly, noZod3, lazyCommonJs, premadeSchemas],
  define: { __SUBAGENT_MCP_PROTOCOL_VERSIONS__: JSON.stringify(SUPPORTED_PROTOCOL_VERSIONS) },
  minify: true,
  keepNames: false,
  sourcemap: "linked",
  logLevel: "warning",
  // SUBAGENT_MCP_BUNDLE_META=<file>: esbuild's metafile, to see which sources make each chunk.
  metafile: env.SUBAGENT_MCP_BUNDLE_META !== undefined,
});
if (built.metafile !== undefined) writeFileSync(env.SUBAGENT_MCP_BUNDLE_META, JSON.stringify(built.metafile));
chmodSync(join(outdir, "main.js"), 0o755);
// The dashboard's page (plain files, no build step) next to the chunks: `dashboard` serves dist/ui.
cpSync(join(root, "..", "..", "packages", "dashboard", "ui"), join(outdir, "ui"), { recursive: true });
