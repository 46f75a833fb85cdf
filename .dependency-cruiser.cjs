// The layering of the workspace, enforced by `pnpm lint` (dependency-cruiser) and drawn into
// ARCHITECTURE.md by scripts/architecture.mjs. A package may import only packages of a lower
// tier, so arrows point one way and a concept cannot lean on what is built on top of it.
// Tiers list folders under packages/ (apps/ for the apps).

/** @type {string[][]} lowest first */
const tiers = [
  ["errors"],
  ["state", "core"],
  ["journal", "worktrees", "hooks", "agents", "routing", "drivers", "mailbox", "permissions", "contract", "tracing"],
  ["usage", "mailbox-redis", "fleet", "host-config", "worker", "testkit"],
  ["server", "dashboard"],
  ["apps/cli", "apps/bench"],
];

/** "core" -> "packages/core", "apps/cli" -> "apps/cli" */
const dirOf = (name) => (name.startsWith("apps/") ? name : `packages/${name}`);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

const layerRules = tiers.flatMap((tier, t) =>
  tier.map((name) => {
    const below = tiers.slice(0, t).flat();
    const allowed = [name, ...below].map((n) => escape(dirOf(n)));
    return {
      name: `layer:${name}`,
      severity: "error",
      comment: below.length === 0 ? `${name} imports no package of ours` : `${name} may import only ${below.join(", ")}`,
      from: { path: `^${escape(dirOf(name))}/(src|ui)/` },
      to: { path: "^(packages|apps)/", pathNot: `^(${allowed.join("|")})/` },
    };
  }),
);

module.exports = {
  tiers,
  dirOf,
  forbidden: [
    ...layerRules,
    {
      name: "no-reach-into-src",
      severity: "error",
      comment: "another package is imported by its name (its index.ts lists the public API), never by a relative path into its files",
      from: { path: "^(packages|apps)/([^/]+)/" },
      to: { dependencyTypes: ["local"], path: "^(packages|apps)/", pathNot: "^$1/$2/" },
    },
    {
      name: "known-package",
      severity: "error",
      comment: "every package of ours has a tier in .dependency-cruiser.cjs (add the new one there)",
      from: {
        path: "^(packages|apps)/[^/]+/(src|ui)/",
        pathNot: `^(${tiers
          .flat()
          .map((n) => escape(dirOf(n)))
          .join("|")})/`,
      },
      to: {},
    },
    {
      name: "resolvable",
      severity: "error",
      comment: "an import of ours that resolves to nothing (a missing export or a typo)",
      from: {},
      to: { couldNotResolve: true, path: "^@subagent-mcp/" },
    },
  ],
  options: {
    includeOnly: "^(packages|apps)/[^/]+/(src|ui|test|scripts)/",
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tooling/typescript/base.json" },
    // Our packages resolve to their sources, as the tests load them, so an edge names the file.
    enhancedResolveOptions: {
      conditionNames: ["@subagent-mcp/source", "import", "types", "default"],
      exportsFields: ["exports"],
      extensions: [".ts", ".js", ".mjs", ".d.ts"],
    },
  },
};
