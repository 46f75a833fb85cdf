// Public API of @subagent-mcp/dashboard: the live page on 127.0.0.1 and what it reads.
export { startDashboard, type Dashboard, type DashboardOptions } from "./dashboard.js";
export { DashboardError, type DashboardErrorCode } from "./errors.js";
export { ActionSchema, type Action } from "./actions.js";
export { readServerRecords } from "./records.js";
export { defaultUiDir } from "./static.js";
