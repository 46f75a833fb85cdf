// Public API of @subagent-mcp/host-config: what setup, init, update and uninstall change in Claude
// Code's, Codex's and Gemini CLI's files (our MCP server entry, orchestration hooks and the managed
// instructions block), one adapter per host, planned before anything is written and reversible exactly.
export { HostConfigError, inFile, type HostConfigErrorCode, type TextPosition } from "./errors.js";
export { applyChange, applyRevert, Drafts, planRevert, readOrNull, revertChange, type FileChange, type Revert } from "./files.js";
export { SERVER_NAME, type HostAdapter, type HostContext, type ServerLaunch } from "./host.js";
export { hooksPath, hostAdapter, HOSTS, HostSchema, mcpConfigPath, type Host } from "./registry.js";
export { planHooks, planServer, removeOurs, replan } from "./plan.js";
export { INSTRUCTIONS, instructionFiles, planInstructions } from "./instructions.js";
export { readRecord, recordChanges, writeRecord, type RecordedChange } from "./record.js";
