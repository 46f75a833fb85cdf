import { accessSync, constants } from "node:fs";
import { chromium, type Browser, type LaunchOptions } from "playwright-core";

/** Where Debian and Ubuntu install Chromium; `SUBAGENT_MCP_CHROMIUM` names another binary. */
const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Options of {@link launchChromium}: playwright's launch options, the executable chosen for you. */
type ChromiumOptions = Omit<LaunchOptions, "executablePath">;

/** The Chromium binary tests use: `SUBAGENT_MCP_CHROMIUM`, else {@link DEFAULT_CHROMIUM}. */
function chromiumPath(): string {
  const named = process.env.SUBAGENT_MCP_CHROMIUM;
  return named === undefined || named === "" ? DEFAULT_CHROMIUM : named;
}

/**
 * Starts a headless Chromium through playwright-core (no browser download: the system's binary).
 * Throws when the binary is missing, so a browser test fails instead of skipping silently.
 * As root, Chromium refuses to start without `--no-sandbox`, so it is added then.
 */
export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new Error(`Chromium not found at ${executablePath}: install it (apt-get install chromium) or set SUBAGENT_MCP_CHROMIUM to a Chromium binary`);
  }
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const args = [...(options.args ?? []), ...(asRoot ? ["--no-sandbox"] : [])];
  return chromium.launch({ headless: true, ...options, args, executablePath });
}
