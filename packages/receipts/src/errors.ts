import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link ReceiptError}. */
export type ReceiptErrorCode = "CONFIG_INVALID";

/** The one error class of `@subagent-mcp/receipts`: a `receipts` setting that cannot be used; `message` names it. */
export class ReceiptError extends CodedError<ReceiptErrorCode> {
  override readonly name = "ReceiptError";
}
