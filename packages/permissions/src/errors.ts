import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link PermissionsError}. */
export type PermissionsErrorCode = "INVALID_RULE" | "INVALID_ARGUMENT" | "PERMISSION_ABOVE_CEILING";

/** The one error class of `@subagent-mcp/permissions`; `message` says what to fix. */
export class PermissionsError extends CodedError<PermissionsErrorCode> {
  override readonly name = "PermissionsError";
}
