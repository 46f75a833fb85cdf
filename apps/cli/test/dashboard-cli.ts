import { execa } from "execa";
import type { Browser, BrowserContext, Page } from "@subagent-mcp/testkit";
import { afterEach } from "vitest";
import { bin, type E2E } from "./e2e.js";

/** The built `subagent-mcp dashboard`, running, and the URL it printed. */
export interface DashboardCli {
  url: string;
  pid: number;
  stderr: () => string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `subagent-mcp dashboard` with `env` in `cwd` and resolves with the URL on its stdout (rejects if it exits first). */
export async function startDashboardCli(env: Record<string, string>, cwd: string): Promise<DashboardCli> {
  const proc = execa(process.execPath, [bin, "dashboard"], { cwd, env, extendEnv: false, reject: false });
  let stdout = "";
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(http:\/\/\S+)\n/m.exec(stdout)?.[1];
      if (line !== undefined) resolve(line);
    });
    void proc.then((r) => {
      reject(new Error(`subagent-mcp dashboard exited (${String(r.exitCode)}): ${stdout}${stderr}`));
    });
  });
  return {
    url,
    pid: proc.pid ?? 0,
    stderr: () => stderr,
    async stop() {
      proc.kill("SIGTERM");
      await proc;
    },
  };
}

/** Opens the dashboard at `url` in a new page of `context` once its event stream is live; the page's console errors and uncaught exceptions go to `errors`. */
export async function openDashboardPage(context: BrowserContext, url: string, errors: string[], timeout = 120_000): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto(url);
  await page.locator('[data-testid="connection"]:text-is("live")').waitFor();
  return page;
}

/** What a browser test of the dashboard runs: the server, the dashboard beside it, Chromium. */
export interface DashboardRun {
  e?: E2E | undefined;
  dash?: DashboardCli | undefined;
  browser?: Browser | undefined;
}

/** A {@link DashboardRun} whose parts are ended after each test (Chromium, the dashboard, then the server). */
export function endedAfterEach(): DashboardRun {
  const run: DashboardRun = {};
  afterEach(async () => {
    await run.browser?.close();
    await run.dash?.stop();
    await run.e?.close();
    run.browser = run.dash = run.e = undefined;
  });
  return run;
}
