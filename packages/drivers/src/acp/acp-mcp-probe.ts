import { existsSync, mkdtempSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent } from "@subagent-mcp/core";
import type { AcpDriver } from "./acp.js";

// A stand-in MCP server: it only leaves a mark that it was started, then waits to be closed.
const MARKER_SERVER = "require('node:fs').writeFileSync(process.argv[1], 'started'); process.stdin.resume();";

/**
 * Whether an ACP agent starts the MCP servers handed to it in `session/new` (ACP requires stdio
 * ones; some agents ignore them all), which is how its sub-agents get their messaging tools. A
 * session is opened with a stand-in server that marks a file when started; no model call is made.
 * Resolves true once the mark appears, false when `timeoutMs` passes after the session was set up
 * (`session/new` answered: how long a busy machine took to get there says nothing of the servers),
 * and rejects when nothing can be told: the agent erred or exited before the mark, or its session
 * was not set up within `setupMs`. The session is killed.
 */
export async function startsMcpServers(driver: AcpDriver, timeoutMs = 20_000, setupMs = 120_000): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), "subagent-mcp-acp-mcp-"));
  const marker = join(dir, "started");
  let onEvent: (event: AgentEvent) => void = () => undefined;
  const session = driver.start(
    { cwd: dir, mcpServers: [{ name: "probe", command: process.execPath, args: ["-e", MARKER_SERVER, marker], env: {} }] },
    (event) => {
      onEvent(event);
    },
  );
  try {
    // The agent starts its servers as it sets the session up; only the file says whether it did.
    return await new Promise<boolean>((resolve, reject) => {
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const done = (started: boolean, error?: string): void => {
        if (settled) return;
        settled = true;
        watcher.close();
        for (const timer of timers) clearTimeout(timer);
        if (error !== undefined && !started) reject(new Error(error));
        else resolve(started);
      };
      const watcher = watch(dir, () => {
        if (existsSync(marker)) done(true);
      });
      timers.push(
        setTimeout(() => {
          done(existsSync(marker), `its session was not set up within ${setupMs / 1000} s`);
        }, setupMs),
      );
      onEvent = (event) => {
        if (event.type === "error") done(existsSync(marker), event.message);
        else if (event.type === "exit") done(existsSync(marker), `it exited (code ${String(event.code)}) before its session was probed`);
        else if (event.type === "started")
          timers.push(
            setTimeout(() => {
              done(existsSync(marker));
            }, timeoutMs),
          );
      };
      if (existsSync(marker)) done(true);
    });
  } finally {
    await session.kill().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
