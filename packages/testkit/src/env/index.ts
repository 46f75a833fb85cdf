import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { claudeEnvironment } from "./claude.js";
import { codexEnvironment } from "./codex.js";
import { geminiEnvironment } from "./gemini.js";
import { opencodeEnvironment } from "./opencode.js";
import { qwenEnvironment } from "./qwen.js";
import { assertLoopback, type CliEnvironment, type CliName } from "./loopback.js";

/** How a test's CLIs differ from the default environment. */
export interface LoopbackOptions {
  /** Codex with its plugin feature on, for a test that installs a plugin (see codex.ts: still loopback only). */
  codexPlugins?: boolean;
}

function single(cli: CliName, base: URL, options: LoopbackOptions): Promise<CliEnvironment> {
  switch (cli) {
    case "claude":
      return claudeEnvironment(base);
    case "codex":
      return codexEnvironment(base, { plugins: options.codexPlugins === true });
    case "gemini":
      return geminiEnvironment(base);
    case "qwen":
      return qwenEnvironment(base);
    case "opencode":
      return opencodeEnvironment(base);
  }
}

/**
 * THE one way a test builds the environment of an agent CLI: a fresh temporary HOME (and
 * CODEX_HOME), the model endpoint on the given fake at 127.0.0.1, and telemetry, auto-update and
 * plugin sync switched off. Refuses any model URL that is not loopback.
 *
 * Given several fakes, one per CLI, it builds one environment in which all of those CLIs run,
 * each against its own fake: what a process needs that starts all three (our MCP server).
 */
export async function loopbackEnv(cli: CliName, fake: { url: string }): Promise<CliEnvironment>;
export async function loopbackEnv(fakes: Partial<Record<CliName, { url: string }>>, options?: LoopbackOptions): Promise<CliEnvironment>;
export async function loopbackEnv(
  target: CliName | Partial<Record<CliName, { url: string }>>,
  second?: { url: string } | LoopbackOptions,
): Promise<CliEnvironment> {
  const wanted: [CliName, { url: string }][] =
    typeof target === "string" ? [[target, second as { url: string }]] : (Object.entries(target) as [CliName, { url: string }][]);
  const options: LoopbackOptions = typeof target === "string" ? {} : ((second as LoopbackOptions | undefined) ?? {});
  if (wanted.length === 0) throw new Error("loopbackEnv needs at least one CLI and its fake");
  const envs: CliEnvironment[] = [];
  for (const [cli, server] of wanted) envs.push(await single(cli, assertLoopback(server.url), options));
  const [first, ...rest] = envs as [CliEnvironment, ...CliEnvironment[]];
  if (rest.length === 0) return first;
  // One HOME for all: copy each other CLI's files in, and repoint its variables at the merged HOME.
  const env = { ...first.env };
  for (const other of rest) {
    for (const entry of readdirSync(other.home)) cpSync(join(other.home, entry), join(first.home, entry), { recursive: true });
    for (const [key, value] of Object.entries(other.env)) {
      if (key in env && !value.startsWith(other.home)) continue;
      env[key] = value.startsWith(other.home) ? first.home + value.slice(other.home.length) : value;
    }
  }
  return {
    cli: first.cli,
    env,
    home: first.home,
    cwd: first.cwd,
    cleanup: async () => {
      await Promise.all(envs.map((e) => e.cleanup()));
    },
  };
}
