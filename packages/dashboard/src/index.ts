// Public API of @subagent-mcp/dashboard: the live page on 127.0.0.1 and what it reads.
export { startDashboard, type Dashboard } from "./dashboard.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { DashboardError, type DashboardErrorCode } from "./errors.js";
