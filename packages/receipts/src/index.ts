// Public API of @subagent-mcp/receipts: what a sub-agent's turn did, counted from its CLI's events
// and read from git, and the claims of its final text that those facts do not back.
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { ReceiptError, type ReceiptErrorCode } from "./errors.js";
export { compilePhrases } from "./phrases.js";
export { TreeWatch, type Snapshot, type TreeChanges } from "./git-tree.js";
export { Receipts } from "./witness.js";
export { serverFolder } from "./folders.js";
export { buildReceipt } from "./build.js";
export { TurnTally } from "./tally.js";
export { readFinalText } from "./reader/read.js";
