import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link WorkerError}. */
export type WorkerErrorCode = "INVALID_RULES";

/** The one error class of `@subagent-mcp/worker`; `message` says what was wrong and what to do. */
export class WorkerError extends CodedError<WorkerErrorCode> {
  override readonly name = "WorkerError";
}
