// Public API of @subagent-mcp/state: what we keep on disk. The state folder and its layout, private
// folders and files, the safe atomic write every writer of ours uses, and whether a process lives.
export { configDir, configLayout, stateDir, stateLayout, workerLayout } from "./layout.js";
export { ensurePrivateDir, keepPrivate, writePrivate } from "./private.js";
export { RewrittenFile } from "./rewritten-file.js";
export { assertWritable, writeAtomic, writeTarget } from "./safe-write.js";
export { isAlive } from "./alive.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { StateError, type StateErrorCode } from "./errors.js";
