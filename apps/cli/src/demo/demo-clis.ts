import { accessSync, constants, existsSync } from "node:fs";
import Module from "node:module";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliName } from "@subagent-mcp/testkit";
import { cliExecutable } from "@subagent-mcp/testkit/locate";

/** The three CLIs the demo runs, in the order it prefers them. */
export const DEMO_CLIS: readonly CliName[] = ["claude", "codex", "gemini"];

/** What the demo found for one CLI: a pinned build of the source checkout, one on PATH, or none. */
export type FoundCli = { cli: CliName; source: "pinned" | "PATH"; path: string } | { cli: CliName; source: "missing"; path?: undefined };

/** The CLIs' display names and how to install each. */
export const CLI_INFO: Record<CliName, { title: string; install: string }> = {
  claude: { title: "Claude Code", install: "npm install -g @anthropic-ai/claude-code" },
  codex: { title: "Codex", install: "npm install -g @openai/codex" },
  gemini: { title: "Gemini CLI", install: "npm install -g @google/gemini-cli" },
  qwen: { title: "Qwen Code", install: "npm install -g @qwen-code/qwen-code" },
  opencode: { title: "OpenCode", install: "npm install -g opencode-ai" },
};

// In a source checkout, the testkit's folder (which holds the pinned CLIs), else undefined.
function checkoutTestkit(): string | undefined {
  const dir = fileURLToPath(new URL("../../../packages/testkit/", import.meta.url));
  return existsSync(join(dir, "package.json")) && existsSync(join(dir, "node_modules")) ? dir : undefined;
}

// The testkit resolves its CLIs from its own module's folder, which in our bundle is dist/; pnpm keeps
// them in the testkit's node_modules. For the lookup only, that folder is added to Node's global
// module paths (what NODE_PATH does), then they are put back.
function pinned(testkit: string, cli: CliName): string | undefined {
  const loader = Module as unknown as { _initPaths?: () => void };
  const before = process.env.NODE_PATH;
  process.env.NODE_PATH = [join(testkit, "node_modules"), before].filter((p) => p !== undefined && p !== "").join(delimiter);
  loader._initPaths?.();
  try {
    return cliExecutable(cli);
  } catch {
    return undefined;
  } finally {
    if (before === undefined) delete process.env.NODE_PATH;
    else process.env.NODE_PATH = before;
    loader._initPaths?.();
  }
}

// The first executable file named `name` on PATH.
function onPath(name: string, path: string = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Finds each CLI: the pinned build in a source checkout, otherwise the one on PATH. Never throws. */
export function findClis(): FoundCli[] {
  const testkit = checkoutTestkit();
  return DEMO_CLIS.map((cli): FoundCli => {
    const fromCheckout = testkit === undefined ? undefined : pinned(testkit, cli);
    if (fromCheckout !== undefined) return { cli, source: "pinned", path: fromCheckout };
    const fromPath = onPath(cli);
    return fromPath === undefined ? { cli, source: "missing" } : { cli, source: "PATH", path: fromPath };
  });
}
