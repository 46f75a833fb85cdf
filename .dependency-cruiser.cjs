// The package graph of the workspace, enforced by `pnpm lint` (dependency-cruiser) and drawn into
// ARCHITECTURE.md by scripts/architecture.mjs. Each package names the packages of ours its sources
// may import; scripts/architecture.mjs refuses a cycle, so arrows point one way and a concept
// cannot lean on what is built on top of it. An edge is added here on purpose, never by accident.
// Keys are folders under packages/ (apps/ for the apps).

/** @type {Record<string, string[]>} */
const allowed = {
  errors: [],
  state: ["contract", "errors"],
  core: ["contract", "errors"],
  contract: ["errors"],
  journal: ["contract", "core", "errors", "permissions", "state"],
  worktrees: ["contract", "core", "errors", "state", "tracing"],
  hooks: ["contract", "state"],
  agents: ["config", "contract", "core", "errors", "permissions", "routing"],
  routing: ["contract", "core", "errors", "journal", "usage"],
  sandbox: ["contract", "errors", "state"],
  drivers: ["contract", "core", "errors", "sandbox", "state"],
  mailbox: ["contract", "core", "errors", "state"],
  permissions: ["contract", "core", "errors", "state"],
  tracing: ["contract", "core"],
  usage: ["contract", "core", "errors", "journal", "state"],
  "mailbox-redis": ["errors", "mailbox", "state"],
  fleet: ["contract", "core", "errors", "permissions", "state", "tracing", "worktrees"],
  hosts: ["contract", "errors", "hooks", "mailbox", "state"],
  worker: ["contract", "core", "errors", "mailbox", "permissions", "state", "tracing"],
  testkit: ["contract", "errors", "mailbox"],
  config: ["contract", "core", "errors", "permissions", "routing", "state"],
  budgets: ["contract", "core", "errors", "routing", "usage"],
  "mcp-transport": ["contract", "drivers", "errors", "tracing"],
  receipts: ["contract", "core", "errors", "permissions", "state"],
  board: ["errors"],
  "board-redis": ["board", "errors"],
  team: ["board", "contract", "core", "errors"],
  server: [
    "agents",
    "budgets",
    "config",
    "contract",
    "core",
    "drivers",
    "errors",
    "hooks",
    "hosts",
    "journal",
    "mailbox",
    "mcp-transport",
    "permissions",
    "receipts",
    "routing",
    "sandbox",
    "state",
    "team",
    "tracing",
    "usage",
    "worktrees",
  ],
  dashboard: ["board", "contract", "errors", "journal", "mailbox", "state", "usage", "worker"],
  "apps/cli": [
    "agents",
    "board",
    "board-redis",
    "config",
    "contract",
    "core",
    "dashboard",
    "drivers",
    "errors",
    "fleet",
    "hooks",
    "hosts",
    "journal",
    "mailbox",
    "mailbox-redis",
    "permissions",
    "receipts",
    "routing",
    "sandbox",
    "server",
    "state",
    "team",
    "testkit",
    "tracing",
    "usage",
    "worker",
    "worktrees",
  ],
  "apps/bench": [
    "contract",
    "core",
    "drivers",
    "fleet",
    "hooks",
    "journal",
    "mailbox",
    "mailbox-redis",
    "permissions",
    "receipts",
    "routing",
    "sandbox",
    "state",
    "testkit",
    "tracing",
    "usage",
    "worktrees",
  ],
};

/** "core" -> "packages/core", "apps/cli" -> "apps/cli" */
const dirOf = (name) => (name.startsWith("apps/") ? name : `packages/${name}`);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

const layerRules = Object.entries(allowed).map(([name, deps]) => {
  const ok = [name, ...deps].map((n) => escape(dirOf(n)));
  return {
    name: `layer:${name}`,
    severity: "error",
    comment: deps.length === 0 ? `${name} imports no package of ours` : `${name} may import only ${deps.join(", ")}`,
    from: { path: `^${escape(dirOf(name))}/(src|ui)/` },
    to: { path: "^(packages|apps)/", pathNot: `^(${ok.join("|")})/` },
  };
});

module.exports = {
  allowed,
  dirOf,
  forbidden: [
    ...layerRules,
    {
      name: "cli-serves-mcp-only-here",
      severity: "error",
      comment:
        "of the CLI, only what serves MCP imports the server package (mcp.ts, node.ts for its agents' messaging, worker-mailbox.ts for a worker session's, and the files they alone use); every other command reads its config through @subagent-mcp/config",
      from: { path: "^apps/cli/src/", pathNot: "^apps/cli/src/(mcp/mcp|fleet/node|fleet/node-messaging|fleet/fleet-access|worker/worker-mailbox)\\.ts$" },
      to: { path: "^packages/server/" },
    },
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
      comment: "every package of ours has its line in `allowed` of .dependency-cruiser.cjs (add the new one there)",
      from: {
        path: "^(packages|apps)/[^/]+/(src|ui)/",
        pathNot: `^(${Object.keys(allowed)
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
