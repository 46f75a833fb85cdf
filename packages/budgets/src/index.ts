// Public API of @subagent-mcp/budgets: the limits a server holds its agents to (the session's, the
// day's, a resumed agent's) and each launch's budget over the whole tree of agents under it.
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { BudgetError, type BudgetErrorCode } from "./errors.js";
export { resumeBudget } from "./resume.js";
export { SharedBudgets, type SharedBudgetSettings } from "./shared-budgets.js";
export { holdToCaps, reservePlaced, SpendCapsWatch, type ReservedTurn, type SpendSettings } from "./spend-caps.js";
export { tighter } from "./tree-budget.js";
export { TreeBudgets, type AgentLineage } from "./tree-budgets.js";
