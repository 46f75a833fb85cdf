import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link BudgetError}. */
export type BudgetErrorCode = "BUDGET_EXCEEDED" | "INVALID_ARGUMENT";

/** The one error class of `@subagent-mcp/budgets`: a budget used up or given wrong; `message` says which and what to do. */
export class BudgetError extends CodedError<BudgetErrorCode> {
  override readonly name = "BudgetError";
}
