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
 * Resolves true once the mark appears, false when `timeoutMs` passes first, and rejects with the
 * agent's error when it errs before the mark (nothing is known then); the session is killed.
 */
export async function startsMcpServers(driver: AcpDriver, timeoutMs = 20_000): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), "subagent-mcp-acp-mcp-"));
  const marker = join(dir, "started");
  let onError: (message: string) => void = () => undefined;
  const session = driver.start(
    { cwd: dir, mcpServers: [{ name: "probe", command: process.execPath, args: ["-e", MARKER_SERVER, marker], env: {} }] },
    (event: AgentEvent) => {
      if (event.type === "error") onError(event.message);
    },
  );
  try {
    // The agent starts its servers as it sets the session up; only the file says whether it did.
    return await new Promise<boolean>((resolve, reject) => {
      const watcher = watch(dir, () => {
        if (existsSync(marker)) done(true);
      });
      const timer = setTimeout(() => {
        done(existsSync(marker));
      }, timeoutMs);
      const done = (started: boolean, error?: string): void => {
        watcher.close();
        clearTimeout(timer);
        if (error !== undefined && !started) reject(new Error(error));
        else resolve(started);
      };
      onError = (message) => {
        done(existsSync(marker), message);
      };
      if (existsSync(marker)) done(true);
    });
  } finally {
    await session.kill().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
