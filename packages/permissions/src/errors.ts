/** Stable codes of {@link PermissionsError}. */
export type PermissionsErrorCode = "INVALID_RULE";

/** The one error class of `@subagent-mcp/permissions`; `message` says what to fix. */
export class PermissionsError extends Error {
  override readonly name = "PermissionsError";
  constructor(
    readonly code: PermissionsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
