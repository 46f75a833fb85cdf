import { cliExecutable, loopbackEnv, startAllFakes, type CliEnvironment, type CliName, type FakeModelServer } from "@subagent-mcp/testkit";

/** A host CLI to install us into: its fakes and its environment, with one HOME of its own. */
export interface Host {
  fakes: Record<CliName, FakeModelServer>;
  env: CliEnvironment;
  cleanup(): Promise<void>;
}

// Every fake, and one HOME where the host runs against its own; our server finds the pinned CLIs by our variables.
export async function startHost(cli: CliName, options: { codexPlugins?: boolean; env?: Record<string, string> } = {}): Promise<Host> {
  const { env: extra, ...loopback } = options;
  const fakes = await startAllFakes();
  const base = await loopbackEnv(fakes, loopback);
  const env: CliEnvironment = {
    ...base,
    cli,
    env: {
      ...base.env,
      SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
      SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"),
      SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini"),
      ...extra,
    },
  };
  return {
    fakes,
    env,
    async cleanup() {
      await Promise.all(Object.values(fakes).map((f) => f.stop()));
      await base.cleanup();
    },
  };
}
