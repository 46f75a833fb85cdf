// The facts the generated reference (root scripts/reference.mjs) is written from, read from the
// code as it runs: the tools every server may list, the config schema with what trust gates, and
// the CLI's commands with their flags (lazy subcommands resolved, none run).
import { join } from "node:path";
import { listedTools, runFromSources } from "./listing.js";

const repo = join(import.meta.dirname, "..", "..", "..");

// In the config package: its schema as JSON Schema (zod's own conversion), the defaults it fills in,
// where its files live, and which keys of a project's file need trust (privilegedSettings, probed
// with a project's file that sets every key to the most it may), and which only above the user's.
const configFacts = `import { z } from "zod";
import { ConfigSchema, CONFIG_DEFAULTS, PROJECT_CONFIG, privilegedSettings, userConfigPath } from "./src/index.ts";
const schema = z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" });
function sample(s) {
  if (s === undefined || s === true) return "x";
  if (s.anyOf !== undefined || s.oneOf !== undefined) return sample((s.anyOf ?? s.oneOf).find((o) => o.type === "object") ?? (s.anyOf ?? s.oneOf)[0]);
  if (s.enum !== undefined) return s.enum[0];
  if (s.const !== undefined) return s.const;
  switch (s.type) {
    case "object": {
      const out = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = sample(v);
      if (s.additionalProperties !== undefined && s.additionalProperties !== false) out.claude = sample(s.additionalProperties);
      return out;
    }
    case "array": return [sample(s.items)];
    case "integer": case "number": return s.maximum ?? 1e6;
    case "boolean": return false;
    default: return "x";
  }
}
const project = sample(schema);
const trusted = [...privilegedSettings(project, {}).keys()];
// Probed again with the user's file the same as the project's: what is gated only above the user's own value.
const always = new Set(privilegedSettings(project, project).keys());
const raising = trusted.filter((key) => !always.has(key));
process.stdout.write(JSON.stringify({
  schema, defaults: CONFIG_DEFAULTS, trusted, raising,
  files: { user: userConfigPath({ XDG_CONFIG_HOME: "$XDG_CONFIG_HOME" }), project: "<project>/" + PROJECT_CONFIG.split("\\\\").join("/") },
}));
process.exit(0);`;

// The root command and every subcommand under it, depth first in the order they are declared.
const cliFacts = `import { mainCommand } from "./src/command.ts";
const value = async (v) => (typeof v === "function" ? await v() : await v);
const out = [];
async function walk(command, path) {
  const cmd = await value(command);
  const meta = (await value(cmd.meta)) ?? {};
  const args = (await value(cmd.args)) ?? {};
  out.push({
    command: path.join(" "),
    description: meta.description ?? "",
    args: [
      ...Object.entries(args).map(([name, a]) => ({ name, type: a.type, alias: [a.alias ?? []].flat(), default: a.default, description: a.description ?? "", required: a.required === true, options: a.options })),
      // citty's own flags (runMain): help on every command, the version on the root.
      ...(args.help === undefined ? [{ name: "help", type: "boolean", alias: ["h"], description: "Print the command's usage and exit.", required: false }] : []),
      ...(path.length === 0 && meta.version !== undefined ? [{ name: "version", type: "boolean", alias: ["v"], description: "Print the version and exit.", required: false }] : []),
    ],
  });
  for (const [name, sub] of Object.entries((await value(cmd.subCommands)) ?? {})) await walk(sub, [...path, name]);
}
await walk(mainCommand, []);
process.stdout.write(JSON.stringify(out));
process.exit(0);`;

/** What the reference says, as the code has it now. */
export async function codeFacts() {
  const [tools, config, cli] = await Promise.all([
    listedTools(),
    runFromSources(configFacts, join(repo, "packages", "config")),
    runFromSources(cliFacts, join(repo, "apps", "cli"), { __SUBAGENT_MCP_PROTOCOL_VERSIONS__: "undefined" }),
  ]);
  return { tools, config: JSON.parse(config), cli: JSON.parse(cli) };
}
