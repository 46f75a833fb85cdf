// One temporary folder per test run, removed when the run ends. Tests make their folders with
// mkdtemp(tmpdir()), and the processes they start inherit TMPDIR, so whatever a test leaves behind
// (a failure, a kill, a forgotten cleanup) goes with the run instead of piling up in the machine's
// /tmp. SUBAGENT_MCP_TEST_KEEP_TMP=1 keeps the folder, to look at what a run wrote.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** vitest's global setup: runs in the main process before any test file, and its return after all. */
export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), "subagent-mcp-tests-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.SUBAGENT_MCP_TEST_KEEP_TMP === "1") return;
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    } catch (error) {
      // A process a test left running may still write there: say so, and never fail the run for it.
      process.stderr.write(`could not remove the run's temporary folder ${dir}: ${String(error)}\n`);
    }
  };
}
