/** Stable codes of {@link HooksError}. */
export type HooksErrorCode = "READ_ONLY" | "CONFLICT";

/** The one error class of `@subagent-mcp/hooks`: a file we refused to write, and why. */
export class HooksError extends Error {
  override readonly name = "HooksError";
  constructor(
    readonly code: HooksErrorCode,
    message: string,
  ) {
    super(message);
  }
}
