// Public API of @subagent-mcp/journal: one journal per sub-agent on disk, so agents outlive the server
// that launched them (list past agents, read transcripts, resume after a restart).
export { JournalError, type JournalErrorCode } from "./errors.js";
export {
  CATEGORY_INDEX_FILE,
  CategoryIndex,
  CategoryIndexFileSchema,
  candidateKey,
  DEFAULT_RING_SIZE,
  IndexedTurnSchema,
  MIN_CANDIDATE_TURNS,
  type CategoryIndexFile,
  type CategoryIndexOptions,
  type IndexedTurn,
  type TypicalTurn,
} from "./category-index.js";
export { followJournal } from "./follow.js";
export { endedWhy, listAgents, type AgentSummary } from "./list.js";
export { launchEntry, summarizeEnds, TAIL_BYTES } from "./tail.js";
export { decodeLaunch, encodeLaunch, launchAsked, type Defined, type LaunchEntry, type LaunchRecord } from "./launch-record.js";
export { serverAlive } from "./owner.js";
export { pruneJournals } from "./prune.js";
export { turnsBefore, turnsFrom, type TurnsRead } from "./pages.js";
export { entriesStats, journalEntries, readJournal, type EntriesRead, type JournalContents } from "./read.js";
export { entriesBefore, type EntriesPage } from "./entry-pages.js";
export { resumeFacts, type LifeSpent, type ResumeFacts } from "./resume-facts.js";
export { JournalEntrySchema, ServerRefSchema, type JournalEntry, type JournalWorktree, type ServerRef } from "./schema.js";
export { HEAD_CHARS, timelineRow, type TurnPrice } from "./timeline.js";
export { agentTree, DEFAULT_ROOTS, type AgentTreeOptions } from "./tree.js";
export { turnsOf, type JournalTurn } from "./turns.js";
export { linesFromStart, MAX_LINE_BYTES, type WindowStats } from "./window.js";
export { JournalWriter, type JournalWriterOptions } from "./writer.js";
