// Writes docs/reference/ from the code: the MCP tools as tools/list gives them, the config keys,
// the CLI's commands and the environment variables. `--check` writes nothing and fails when a
// committed page differs from what the code gives now (run by `pnpm lint`).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { argv, exit, stderr, stdout } from "node:process";
import { codeFacts } from "../apps/cli/scripts/reference-facts.js";
import { configKeys } from "./reference-config.mjs";
import { environment } from "./reference-env.mjs";
import { cliPage, configPage, environmentPage, readme, referenceJson, toolsPage } from "./reference-render.mjs";

const root = join(import.meta.dirname, "..");
const dir = join(root, "docs", "reference");

const facts = await codeFacts();
const keys = configKeys(root, facts.config);
const vars = environment(root);
const pages = {
  "README.md": readme,
  "tools.md": toolsPage(facts.tools),
  "config.md": configPage(keys, facts.config.files),
  "cli.md": cliPage(facts.cli),
  "environment.md": environmentPage(vars),
  "reference.json": referenceJson({ tools: facts.tools, keys, commands: facts.cli, vars }),
};

if (argv.includes("--check")) {
  const stale = Object.entries(pages).filter(([name, text]) => {
    try {
      return readFileSync(join(dir, name), "utf8") !== text;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    stderr.write(`docs/reference is stale: ${stale.map(([name]) => `docs/reference/${name}`).join(", ")}. Run \`pnpm reference\` and commit the result.\n`);
    exit(1);
  }
  stdout.write("docs/reference matches the code.\n");
} else {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(pages)) writeFileSync(join(dir, name), text);
  stdout.write(`Wrote ${Object.keys(pages).length} files to docs/reference.\n`);
}
