import { claudeEnvironment } from "./claude.js";
import { codexEnvironment } from "./codex.js";
import { geminiEnvironment } from "./gemini.js";
import { assertLoopback, type CliEnvironment, type CliName } from "./loopback.js";

/**
 * THE one way a test builds the environment of an agent CLI: a fresh temporary HOME (and
 * CODEX_HOME), the model endpoint on the given fake at 127.0.0.1, and telemetry, auto-update and
 * plugin sync switched off. Refuses any model URL that is not loopback.
 */
export async function loopbackEnv(cli: CliName, fake: { url: string }): Promise<CliEnvironment> {
  const base = assertLoopback(fake.url);
  switch (cli) {
    case "claude":
      return claudeEnvironment(base);
    case "codex":
      return codexEnvironment(base);
    case "gemini":
      return geminiEnvironment(base);
  }
}
