// What the CLI's build and the generated reference both run: a script built from our packages'
// sources (never a stale dist) with esbuild, run once in a child node, its JSON answer read back.
import { build } from "esbuild";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execPath } from "node:process";

const packages = join(import.meta.dirname, "..", "..", "..", "packages");

// One ESM bundle for node 20 of our packages from their sources (never a stale dist) and the ESM
// entries of dual packages; CommonJS dependencies (ajv, cross-spawn) call require(), which ESM
// output does not define, so the banner makes one. The CLI and the build's tool listing alike.
export const fromSources = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["@subagent-mcp/source"],
  mainFields: ["module", "main"],
  banner: { js: "import { createRequire as __subagentMcpRequire } from 'node:module'; const require = __subagentMcpRequire(import.meta.url);" },
};

/** Builds `contents` (an ESM script resolving imports from `resolveDir`) from the sources, runs it and returns what it printed. */
export async function runFromSources(contents, resolveDir, define = {}) {
  const dir = mkdtempSync(join(tmpdir(), "subagent-mcp-listing-"));
  try {
    // One folder down, beside a package.json: what reads "../package.json" (the CLI's version) finds one.
    writeFileSync(join(dir, "package.json"), '{ "version": "0.0.0" }');
    const outfile = join(dir, "bin", "listing.mjs");
    await build({ stdin: { contents, resolveDir, loader: "ts" }, outfile, define, ...fromSources, logLevel: "warning" });
    // Not execFileSync: the reference runs several of these at once.
    const { stdout } = await promisify(execFile)(execPath, [outfile], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The host's server with every tool it can offer (a fleet, messaging with sub-agents' mailboxes,
// boards); it runs no tool, so its parts are stand-ins.
const hostServer = `import { createServer } from "@subagent-mcp/server";
const never = new Proxy({}, { get: () => () => { throw new Error("the listing runs no tool"); } });
const { server } = createServer({ serving: { version: "0" }, messaging: { mail: never, self: "orchestrator", children: true }, fleet: async () => never, persistence: { boards: never } });
`;

/**
 * tools/list from JSON Schemas made at build time, not at every start: the host's server is built
 * from the sources, and the SDK's own conversion of each tool's zod schemas is kept (mcp-transport's
 * premade-list.ts). Answers the text of its `Premade` record.
 */
export async function listedSchemas() {
  return runFromSources(
    `${hostServer}import { listedSchemas } from "@subagent-mcp/mcp-transport";
process.stdout.write(JSON.stringify(await listedSchemas(server)));
process.exit(0);`,
    join(packages, "server"),
  );
}

/**
 * Every tool any server of ours may list, as tools/list gives it (name, title, description,
 * annotations, JSON Schemas), each with the server that offers it: the host's; a sub-agent's
 * (its board tools as a member); the control endpoint's (stop_agents). Sorted by name, then title.
 */
export async function listedTools() {
  const text = await runFromSources(
    `${hostServer}import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { TeamHub, registerTeamTools } from "@subagent-mcp/team";
import { registerStopAgentsTool } from "./src/tools/stop-agents.ts";
const member = new McpServer({ name: "subagent-mcp", version: "0" });
registerTeamTools(member, new TeamHub(never), { self: "member" });
const control = new McpServer({ name: "subagent-mcp", version: "0" });
registerStopAgentsTool(control, never);
const tools = [];
for (const [offeredBy, s] of [["host", server], ["sub-agent", member], ["control endpoint", control]]) {
  const [a, b] = InMemoryTransport.createLinkedPair();
  await s.connect(b);
  const client = new Client({ name: "reference", version: "0" });
  await client.connect(a);
  for (const tool of (await client.listTools()).tools) tools.push({ ...tool, offeredBy });
}
process.stdout.write(JSON.stringify(tools));
process.exit(0);`,
    join(packages, "server"),
  );
  const key = (t) => `${t.name}\n${t.title ?? ""}`;
  return JSON.parse(text).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
