// Every error of ours carries a stable code and this brand. The brand, not `instanceof` nor the look
// of `code`, tells our errors from the rest: a bundle may hold two copies of a class, and Node's own
// errors carry codes too (ENOENT, ERR_*), which are bugs to report, not answers to give.
const BRAND: unique symbol = Symbol.for("subagent-mcp.coded-error") as never;

/** The base of every package's one error class: `code` is stable, `message` says what to do. */
export abstract class CodedError<C extends string = string> extends Error {
  readonly [BRAND] = true;
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
  }
}

/** Whether `error` is one of ours (any package's, any copy of it): an answer to give, not a bug. */
export function isCodedError(error: unknown): error is CodedError {
  return typeof error === "object" && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}

/** What a caught value says: its message when it is an Error, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
