import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link DashboardError}. */
export type DashboardErrorCode = "PORT_IN_USE" | "BAD_REQUEST" | "NOT_FOUND" | "NO_SERVER" | "UNREACHABLE" | "TOOL_ERROR" | "MAIL_FAILED";

/** The one error class of `@subagent-mcp/dashboard`; `message` says what was wrong and what to do. */
export class DashboardError extends CodedError<DashboardErrorCode> {
  override readonly name = "DashboardError";
}

/** The HTTP status an action's error is answered with. */
export function statusOf(code: DashboardErrorCode): number {
  switch (code) {
    case "BAD_REQUEST":
      return 400;
    case "NOT_FOUND":
    case "NO_SERVER":
      return 404;
    case "UNREACHABLE":
      return 502;
    case "TOOL_ERROR":
      return 422;
    default:
      return 500;
  }
}
