/** Stable codes of {@link RoutingError}. */
export type RoutingErrorCode = "INVALID_CHOICE" | "NO_CANDIDATE" | "CONFIG_INVALID";

/** The one error class of `@subagent-mcp/routing`; `message` says what to fix. */
export class RoutingError extends Error {
  override readonly name = "RoutingError";
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
