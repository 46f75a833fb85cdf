// Public API of @subagent-mcp/state: what we keep on disk. The state folder and its layout, private
// folders and files, the safe atomic write every writer of ours uses, whether a process runs, and
// ownership that the kernel releases when its owner dies.
export { configDir, configLayout, stateDir, stateLayout, workerLayout } from "./layout.js";
export { ensurePrivateDir, keepPrivate, writePrivate } from "./private.js";
export { RewrittenFile } from "./rewritten-file.js";
export { assertWritable, writeAtomic, writeTarget } from "./safe-write.js";
export { processAlive, processRef, ProcessRefSchema, selfRef, type ProcessRef } from "./alive.js";
export { holdOwnership } from "./ownership.js";
export { processTable, readStat, type ProcEntry } from "./proc.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { StateError, type StateErrorCode } from "./errors.js";
export { markNested, nestedServersDir, STOP_TREE_SIGNAL, stopNestedServers, stoppedByUser } from "./nested-servers.js";
