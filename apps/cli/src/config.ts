import { loadConfig, type EffectiveConfig } from "@subagent-mcp/config";
import type { CliContext } from "./context.js";
import { fail } from "./fail.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { Provider } from "@subagent-mcp/contract";

/** The effective config for a command; an invalid file or variable ends it with one line (exit 2), never a stack trace. */
export function configOrFail(ctx: Pick<CliContext, "cwd" | "env">): EffectiveConfig {
  try {
    return loadConfig({ cwd: ctx.cwd, env: ctx.env });
  } catch (error) {
    fail(errorMessage(error));
  }
}

/** A provider name given on the command line, checked against the configured ones (built-in, presets, config). */
export function providerOrFail(config: EffectiveConfig, value: string, flag: string): Provider {
  if (config.providerNames.includes(value)) return value;
  fail(`${flag} must be one of the configured providers: ${config.providerNames.join(", ")} (got "${value}")`);
}
