import { CodedError } from "@subagent-mcp/errors";

/**
 * Stable codes of {@link HostsError}: a host's file we refused to change (UNPARSEABLE, WRONG_TYPE,
 * CONFLICT, NOT_INSTALLED), or an MCP server asked for that cannot be handed on (UNKNOWN_SERVER,
 * UNKNOWN_HOST, DUPLICATE_NAME, INVALID_SPEC).
 */
export type HostsErrorCode =
  "UNPARSEABLE" | "WRONG_TYPE" | "CONFLICT" | "NOT_INSTALLED" | "UNKNOWN_SERVER" | "UNKNOWN_HOST" | "DUPLICATE_NAME" | "INVALID_SPEC";

/** Where in a file a problem is (1-based). */
export interface TextPosition {
  line: number;
  column: number;
}

/**
 * The one error class of `@subagent-mcp/hosts`: a host's file we refused to change, and why; or an
 * MCP server asked for that cannot be handed on (`message` says which and what the user has).
 */
export class HostsError extends CodedError<HostsErrorCode> {
  override readonly name = "HostsError";
  constructor(
    code: HostsErrorCode,
    message: string,
    readonly position?: TextPosition,
    /** The file, once {@link inFile} has named it in the message. */
    readonly file?: string,
  ) {
    super(code, message);
  }
}

/** The 1-based line and column of `offset` in `text`. */
export function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/**
 * Runs an edit of the file at `path`, naming the file (and the line and column, when known) in any
 * {@link HostsError} it throws, as editors and terminals link to it: `path:line:column: message`.
 */
export function inFile<T>(path: string, edit: () => T): T {
  try {
    return edit();
  } catch (error) {
    if (!(error instanceof HostsError) || error.file !== undefined) throw error;
    const at = error.position === undefined ? "" : `:${error.position.line}:${error.position.column}`;
    throw new HostsError(error.code, `${path}${at}: ${error.message}`, error.position, path);
  }
}
