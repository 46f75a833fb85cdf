import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link ConfigError}. */
export type ConfigErrorCode = "CONFIG_INVALID" | "INVALID_ARGUMENT";

/** The one error class of `@subagent-mcp/config`; `message` names the file or variable and what to fix. */
export class ConfigError extends CodedError<ConfigErrorCode> {
  override readonly name = "ConfigError";
}
