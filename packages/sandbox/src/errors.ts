import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link SandboxError}. */
export type SandboxErrorCode = "SANDBOX_UNAVAILABLE";

/** The one error class of `@subagent-mcp/sandbox`; `message` says what was wrong and what to do. */
export class SandboxError extends CodedError<SandboxErrorCode> {
  override readonly name = "SandboxError";
}
