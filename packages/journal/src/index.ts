// Public API of @subagent-mcp/journal: one journal per sub-agent on disk, so agents outlive the server
// that launched them (list past agents, read transcripts, resume after a restart).
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { JournalError, type JournalErrorCode } from "./errors.js";
export { CATEGORY_INDEX_FILE, CategoryIndex, CategoryIndexFileSchema, type IndexedTurn, type TypicalTurn } from "./categories/category-index.js";
export { followJournal } from "./follow.js";
export { isoTime } from "./recorder/iso-time.js";
export { inLineage } from "./lineage.js";
export { endedWhy, listAgents, type AgentSummary } from "./list.js";
export { AGENT_ID, byNewest, journalStamp, sameStamps, SummaryCache } from "./summary/summary-cache.js";
export { StampedIndex } from "./summary/stamped-index.js";
export { DirChanges } from "./dir-changes.js";
export { launchEntry } from "./tail.js";
export { decodeLaunch, encodeLaunch, launchAsked, type LaunchEntry, type LaunchRecord } from "./launch-record.js";
export { serverAlive } from "./owner.js";
export { pastAfter, pastAgents, predecessorOf, resumableOf, type PastAgent, type Resumable } from "./past.js";
export { pruneJournals } from "./prune.js";
export { turnsBefore, turnsFrom } from "./summary/pages.js";
export { entriesStats, journalEntries, readJournal } from "./read.js";
export { entriesBefore } from "./summary/entry-pages.js";
export { journalReceipt } from "./receipt.js";
export { AgentJournal, type JournalSettings } from "./recorder/agent-journal.js";
export type { JournalEntry, ServerRef } from "./schema.js";
export { timelineRow } from "./timeline.js";
export { agentTree } from "./tree.js";
export type { JournalTurn } from "./turns.js";
export { linesFromStart, type WindowStats } from "./window.js";
export { JournalWriter } from "./writer.js";
