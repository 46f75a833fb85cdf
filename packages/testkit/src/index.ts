// Test-only toolkit: fake model servers on 127.0.0.1, the one loopback environment builder for
// the real agent CLIs, locators for the pinned CLI binaries, a real redis-server, `subagent-mcp node`
// processes from a built CLI, the one conformance suite every mailbox backend runs and the system's
// Chromium for browser tests.
export { startAnthropicFake } from "./fake/anthropic.js";
export { startOpenAIFake } from "./fake/openai.js";
export { startGeminiFake } from "./fake/gemini.js";
export { directiveReply, usageFor } from "./fake/directives.js";
export type { FakeModelServer } from "./fake/server.js";
export type { FakeReply, FakeRequest, RecordedRequest } from "./fake/types.js";
export { pinnedCliOptions, startAllFakes, startFakeFor } from "./fakes.js";
export { loopbackEnv } from "./env/index.js";
export { claudeTranscriptHolds, untilClaudeSaved } from "./env/claude-saved.js";
export type { CliEnvironment, CliName } from "./env/loopback.js";
export { cliExecutable, locateCli, testPathVar } from "./locate.js";
export { CLI_PACKAGES, CLI_VERSION_NAMES, cliVersionName, installedCliVersion, type CliVersionName } from "./versions.js";
export { CliRunError, lastLines, runCli } from "./run.js";
export { mailboxConformance } from "./mailbox-conformance.js";
export { freePort, startRedisServer, type RedisServer } from "./redis.js";
export { spawnFleetNode, startFleetNode, writeFleetKey, type RunningNode } from "./fleet-node.js";
export { spawnReady, type ReadyProcess } from "./spawn-ready.js";
export { sampleTree, type TreeSample } from "./proc-tree.js";
export { launchChromium } from "./browser.js";
export type { Browser, BrowserContext, Page } from "playwright-core";
export { writeBigJournal, type BigJournal } from "./big-journal.js";
export { startTmuxClaude, type TmuxHost } from "./tmux-host.js";
/** @public an error class of the package, whoever imports it: what callers tell a screen wait that ran out apart by. */
export { TmuxWaitError } from "./tmux-host.js";
export { startOtlpReceiver, type OtlpReceiver } from "./otlp/receiver.js";
export type { ReceivedSpan } from "./otlp/types.js";
export { NOTES_TOOL, notesStdioServer, startNotesHttpServer } from "./mcp/notes.js";
export { listenOnLoopback, statelessMcpHandler } from "./mcp/stateless-http.js";
export { wireTimer } from "./mcp/wire-timer.js";
