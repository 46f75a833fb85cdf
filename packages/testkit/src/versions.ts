import { createRequire } from "node:module";
import { z } from "zod";
import type { CliName } from "./env/loopback.js";

/** The versions of each CLI the testkit installs side by side: the pinned one and an older release. */
export const CliVersionNameSchema = z.enum(["pinned", "prev"]);
export type CliVersionName = z.infer<typeof CliVersionNameSchema>;

/** Every version name, pinned first: what a test runs the driver contract suite on. */
export const CLI_VERSION_NAMES: readonly CliVersionName[] = CliVersionNameSchema.options;

/** The npm package (or alias in the testkit's devDependencies) each version of each CLI is installed as. */
export const CLI_PACKAGES: Record<CliName, Record<CliVersionName, string>> = {
  claude: { pinned: "@anthropic-ai/claude-code", prev: "claude-code-prev" },
  codex: { pinned: "@openai/codex", prev: "codex-prev" },
  gemini: { pinned: "@google/gemini-cli", prev: "gemini-cli-prev" },
  qwen: { pinned: "@qwen-code/qwen-code", prev: "qwen-code-prev" },
  opencode: { pinned: "opencode-ai", prev: "opencode-ai-prev" },
};

/** The version a locator uses when given none: SUBAGENT_MCP_TEST_CLI_VERSION, else "pinned". */
export function cliVersionName(env: NodeJS.ProcessEnv = process.env): CliVersionName {
  const raw = env.SUBAGENT_MCP_TEST_CLI_VERSION;
  if (raw === undefined || raw === "") return "pinned";
  const parsed = CliVersionNameSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`SUBAGENT_MCP_TEST_CLI_VERSION must be ${CLI_VERSION_NAMES.join(" or ")} (got "${raw}")`);
  return parsed.data;
}

/** The release number (x.y.z) installed for a version of a CLI, read from its package.json. */
export function installedCliVersion(cli: CliName, version: CliVersionName): string {
  const pkg = createRequire(import.meta.url)(`${CLI_PACKAGES[cli][version]}/package.json`) as { version: string };
  return pkg.version;
}
