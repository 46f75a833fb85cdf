// Public API of @subagent-mcp/permissions: rules in Claude Code's syntax, the decision for one
// permission request (the same for every CLI), the rule an "allow always" answer adds, and the
// audit log; and the policy a launch is held to (levels and mode names are the contract package's): the ceiling a
// parent passes down, what a launch is granted under it, and the rules that make a CLI ask.
// Pure apart from the log: the caller supplies the request, the rules and the folders.
export { ParsedRuleFromStringSchema, parseRule, PermissionRuleSchema, PermissionRulesSchema, type PermissionRules } from "./rule.js";
export { decide, describeRequest } from "./decide.js";
export { ruleFor } from "./rule-for.js";
export { AuditEntrySchema, AuditLog, defaultAuditPath } from "./audit.js";
export { asking, grant, levelOf, mergeRules, withinCeiling, type Asking, type Ceiling, type Grant } from "./policy.js";
export { protectedPaths, protectedRules } from "./protected.js";
export { checkRefusal, judgeCheck } from "./check-judgement.js";
export { judgeServerCommand } from "./server-command.js";
export { lineStatus } from "./shell-status.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { PermissionsError, type PermissionsErrorCode } from "./errors.js";
