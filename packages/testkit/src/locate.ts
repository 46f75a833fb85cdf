import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CliName } from "./env/loopback.js";
import { CLI_PACKAGES, cliVersionName, type CliVersionName } from "./versions.js";

/** How to start a pinned CLI: the executable and the arguments that come before the CLI's own. */
interface CliCommand {
  command: string;
  args: string[];
}

function packageDir(name: string, from: string = import.meta.url): string {
  return dirname(createRequire(from).resolve(`${name}/package.json`));
}

function platformTag(): string {
  return `${process.platform}-${process.arch}`;
}

// Native binaries are preferred over the npm wrappers: the Codex wrapper stays alive as an extra
// ~44 MB Node parent, and Claude Code's and OpenCode's bins are stubs until their postinstalls have
// linked the binary.
// `main` is the CLI's npm package directory; its platform package is resolved from there.
const locators: Record<CliName, (main: string) => CliCommand> = {
  claude: (main) => {
    const native = join(packageDir(`@anthropic-ai/claude-code-${platformTag()}`, join(main, "package.json")), "claude");
    return { command: native, args: [] };
  },
  codex: (main) => {
    const target = process.arch === "x64" ? "x86_64-unknown-linux-musl" : "aarch64-unknown-linux-musl";
    const vendor = packageDir(`@openai/codex-${platformTag()}`, join(main, "package.json"));
    return { command: join(vendor, "vendor", target, "bin", "codex"), args: [] };
  },
  gemini: (main) => scriptOrBinary(join(main, bundleOf(main))),
  qwen: (main) => scriptOrBinary(join(main, "cli-entry.js")),
  opencode: (main) => {
    // Its postinstall's choice: the baseline build on an x64 CPU without AVX2.
    const base = `opencode-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
    const names = process.arch === "x64" && !hasAvx2() ? [`${base}-baseline`, base] : [base, `${base}-baseline`];
    const from = join(main, "package.json");
    const found = names.find((name) => resolvable(name, from)) ?? base;
    return { command: join(packageDir(found, from), "bin", process.platform === "win32" ? "opencode.exe" : "opencode"), args: [] };
  },
};

function resolvable(name: string, from: string): boolean {
  try {
    packageDir(name, from);
    return true;
  } catch {
    return false;
  }
}

function hasAvx2(): boolean {
  try {
    return /(^|\s)avx2(\s|$)/i.test(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return false;
  }
}

function bundleOf(main: string): string {
  const pkg = createRequire(import.meta.url)(join(main, "package.json")) as { bin: Record<string, string> };
  return pkg.bin.gemini ?? "bundle/gemini.js";
}

// A Node script runs under this Node (no reliance on its shebang's PATH lookup); anything else directly.
function scriptOrBinary(path: string): CliCommand {
  return /\.[cm]?js$/.test(path) ? { command: process.execPath, args: [path] } : { command: path, args: [] };
}

/** The variable that points the testkit at another build of `cli`, e.g. SUBAGENT_MCP_TEST_CODEX_PATH. */
export function testPathVar(cli: CliName): string {
  return `SUBAGENT_MCP_TEST_${cli.toUpperCase()}_PATH`;
}

/**
 * Finds a CLI installed with the testkit: `version` "pinned" (the default, or
 * SUBAGENT_MCP_TEST_CLI_VERSION) or "prev" (the older release of the version matrix). An executable
 * named by SUBAGENT_MCP_TEST_<CLI>_PATH wins over both. Throws naming the path it expected.
 */
export function locateCli(cli: CliName, version: CliVersionName = cliVersionName()): CliCommand {
  const explicit = process.env[testPathVar(cli)];
  const found = explicit !== undefined && explicit !== "" ? scriptOrBinary(explicit) : locators[cli](packageDir(CLI_PACKAGES[cli][version]));
  const file = found.args[0] ?? found.command;
  if (!existsSync(file)) {
    throw new Error(`${cli}: ${version} binary not found at ${file}; run pnpm install`);
  }
  return found;
}

/** One executable file that starts the CLI (Gemini CLI's bundle is a script with a node shebang). */
export function cliExecutable(cli: CliName, version?: CliVersionName): string {
  const found = locateCli(cli, version);
  return found.args[0] ?? found.command;
}
