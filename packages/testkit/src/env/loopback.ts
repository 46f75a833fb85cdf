import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The agent CLIs the testkit can start. */
export type CliName = "claude" | "codex" | "gemini" | "qwen" | "opencode";

/** A loopback-only environment for one CLI process (or several of the same test). */
export interface CliEnvironment {
  cli: CliName;
  /** The complete environment to start the CLI with: nothing is inherited beyond PATH and locale. */
  env: Record<string, string>;
  /** The fresh temporary HOME (Codex's CODEX_HOME lives inside it). */
  home: string;
  /** A fresh empty working directory for the CLI. */
  cwd: string;
  /** Removes HOME and the working directory. */
  cleanup(): Promise<void>;
}

/** Throws unless `url` points at 127.0.0.1: tests must never send traffic anywhere else. */
export function assertLoopback(url: string): URL {
  const parsed = new URL(url);
  if (parsed.hostname !== "127.0.0.1") {
    throw new Error(`refusing a non-loopback model URL for a test CLI: ${url}`);
  }
  return parsed;
}

// Only these are taken from the parent: everything else (API keys, proxies, real HOME) stays out.
const INHERITED = ["PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT"] as const;

/** Creates the temporary HOME and cwd and the base environment shared by every CLI. */
export async function baseEnvironment(cli: CliName): Promise<Omit<CliEnvironment, "cli">> {
  const root = await mkdtemp(join(tmpdir(), `subagent-mcp-${cli}-`));
  const home = join(root, "home");
  const cwd = join(root, "work");
  await mkdir(home, { recursive: true });
  await mkdir(cwd, { recursive: true });
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    TMPDIR: join(root, "tmp"),
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    TERM: "dumb",
    NO_COLOR: "1",
    CI: "true",
    // Belt and braces: no proxy may route traffic off the machine, and loopback never uses one.
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    DO_NOT_TRACK: "1",
    // Agents' CLIs run at niceness 19 by default, so that a saturated machine slows them and not the
    // server. A test suite saturates its machine with its own runners at niceness 0, and a CLI at 19
    // would then wait a minute for its first slice of CPU: tests run them at the runners' priority.
    // A benchmark, which measures the product as it ships, names its own (apps/bench's main).
    SUBAGENT_MCP_AGENT_NICE: process.env.SUBAGENT_MCP_AGENT_NICE ?? "0",
  });
  await mkdir(env.TMPDIR as string, { recursive: true });
  return {
    env,
    home,
    cwd,
    cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Writes a file, creating its directory. */
export async function writeConfig(path: string, content: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, content);
}
