import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CliName } from "./env/loopback.js";

/** How to start a pinned CLI: the executable and the arguments that come before the CLI's own. */
export interface CliCommand {
  command: string;
  args: string[];
}

const require = createRequire(import.meta.url);

function packageDir(name: string, from: string = import.meta.url): string {
  return dirname(createRequire(from).resolve(`${name}/package.json`));
}

function platformTag(): string {
  return `${process.platform}-${process.arch}`;
}

// Native binaries are preferred over the npm wrappers: the Codex wrapper stays alive as an extra
// ~44 MB Node parent, and Claude Code's bin is a stub until its postinstall has linked the binary.
const locators: Record<CliName, () => CliCommand> = {
  claude: () => {
    const main = packageDir("@anthropic-ai/claude-code");
    const native = join(packageDir(`@anthropic-ai/claude-code-${platformTag()}`, join(main, "package.json")), "claude");
    return { command: native, args: [] };
  },
  codex: () => {
    const main = packageDir("@openai/codex");
    const target = process.arch === "x64" ? "x86_64-unknown-linux-musl" : "aarch64-unknown-linux-musl";
    const vendor = packageDir(`@openai/codex-${platformTag()}`, join(main, "package.json"));
    return { command: join(vendor, "vendor", target, "bin", "codex"), args: [] };
  },
  gemini: () => {
    const main = packageDir("@google/gemini-cli");
    const pkg = require(join(main, "package.json")) as { bin: Record<string, string> };
    const bin = pkg.bin.gemini ?? "bundle/gemini.js";
    return { command: process.execPath, args: [join(main, bin)] };
  },
};

/** Finds the pinned CLI installed with the testkit; throws naming the path it expected. */
export function locateCli(cli: CliName): CliCommand {
  const found = locators[cli]();
  if (!existsSync(found.args[0] ?? found.command)) {
    throw new Error(`${cli}: pinned binary not found at ${found.args[0] ?? found.command}; run pnpm install`);
  }
  return found;
}

/** One executable file that starts the pinned CLI (Gemini CLI's bundle is a script with a node shebang). */
export function cliExecutable(cli: CliName): string {
  const found = locateCli(cli);
  return found.args[0] ?? found.command;
}
