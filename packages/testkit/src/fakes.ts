import { startAnthropicFake } from "./fake/anthropic.js";
import { startGeminiFake } from "./fake/gemini.js";
import { startOpenAIFake } from "./fake/openai.js";
import type { FakeModelServer } from "./fake/server.js";
import type { CliEnvironment, CliName } from "./env/loopback.js";
import { locateCli } from "./locate.js";

const starters: Record<CliName, () => Promise<FakeModelServer>> = {
  claude: startAnthropicFake,
  codex: startOpenAIFake,
  gemini: startGeminiFake,
  // Qwen Code speaks the OpenAI Responses API, as Codex does; OpenCode, Chat Completions on the same fake.
  qwen: startOpenAIFake,
  opencode: startOpenAIFake,
};

/** Starts the fake model server that `cli` talks to (Anthropic, OpenAI Responses or Chat Completions, or Gemini). */
export function startFakeFor(cli: CliName): Promise<FakeModelServer> {
  return starters[cli]();
}

/** Starts one fake per CLI. */
export async function startAllFakes(): Promise<Record<CliName, FakeModelServer>> {
  const all = {} as Record<CliName, FakeModelServer>;
  for (const cli of Object.keys(starters) as CliName[]) all[cli] = await startFakeFor(cli);
  return all;
}

/**
 * Options for a driver that runs the pinned CLI in a loopback environment and inherits nothing
 * else (the shape of @subagent-mcp/drivers' CliDriverOptions, without depending on it).
 */
export function pinnedCliOptions(
  env: CliEnvironment,
  cli: CliName = env.cli,
): { executable: string; executableArgs: string[]; env: Record<string, string>; extendEnv: false } {
  const found = locateCli(cli);
  return { executable: found.command, executableArgs: found.args, env: env.env, extendEnv: false };
}
