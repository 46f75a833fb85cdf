import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link RoutingError}. */
export type RoutingErrorCode = "INVALID_CHOICE" | "NO_CANDIDATE" | "CONFIG_INVALID";

/** The one error class of `@subagent-mcp/routing`; `message` says what to fix. */
export class RoutingError extends CodedError<RoutingErrorCode> {
  override readonly name = "RoutingError";
}
