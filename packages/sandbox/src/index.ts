// Public API of @subagent-mcp/sandbox: an OS sandbox around every CLI we start, where our secrets
// and private state do not exist (bubblewrap on Linux, sandbox-exec on macOS).
export { Sandbox } from "./sandbox.js";
export { SANDBOXED_ENV } from "./detect.js";
export { privateView } from "./view.js";
export { createSandbox } from "./from-config.js";
/** @public the package's error class and its codes. */
export { SandboxError, type SandboxErrorCode } from "./errors.js";
