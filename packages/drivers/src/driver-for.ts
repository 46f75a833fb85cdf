import type { Provider } from "@subagent-mcp/core";
import { AcpDriver } from "./acp.js";
import { ClaudeDriver } from "./claude.js";
import type { CliDriver } from "./cli-driver.js";
import { CodexDriver } from "./codex.js";
import type { CliDriverOptions } from "./options.js";

/** The one place a provider is mapped to the driver of its CLI's protocol. */
export function driverFor(provider: Provider, options: CliDriverOptions = {}): CliDriver {
  switch (provider) {
    case "claude":
      return new ClaudeDriver(options);
    case "codex":
      return new CodexDriver(options);
    case "gemini":
      return new AcpDriver(options);
  }
}
