// Public API of @subagent-mcp/errors: the branded base of every package's error class.
export { CodedError, errorMessage, isCodedError } from "./coded.js";
