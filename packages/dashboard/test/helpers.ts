// A dashboard over a temporary state dir with a real Maildir and local presence, and a reader of its events.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asyncStore, LocalPresence, Maildir, type MailboxStore } from "@subagent-mcp/mailbox";
import type { DashboardState } from "@subagent-mcp/contract";
import { startDashboard, type Dashboard } from "../src/index.js";
import type { DashboardOptions } from "../src/dashboard.js";
import { SseParser } from "../src/sse.js";

export interface Setup {
  stateDir: string;
  project: string;
  uiDir: string;
  mail: MailboxStore;
  presence: LocalPresence;
  dashboard: Dashboard;
  /** `path` on the dashboard with its token added. */
  at(path: string): string;
  close(): Promise<void>;
}

/** A dashboard of a fresh project (looking at mail and presence every `pollMs`); ui files of its own (index.html refers to app.js and style.css with the placeholder). */
export async function setup(
  maildir: { maxAttempts?: number } = {},
  pollMs = 200,
  options: Pick<DashboardOptions, "spendCaps" | "sharedSpend"> = {},
): Promise<Setup> {
  const root = mkdtempSync(join(tmpdir(), "dashboard-"));
  const stateDir = join(root, "state");
  const project = join(root, "project");
  const uiDir = join(root, "ui");
  mkdirSync(project, { recursive: true });
  mkdirSync(uiDir, { recursive: true });
  writeFileSync(
    join(uiDir, "index.html"),
    '<!doctype html><link rel="stylesheet" href="ui/style.css?token=__TOKEN__"><script type="module" src="/ui/app.js"></script>',
  );
  writeFileSync(join(uiDir, "app.js"), "export {};\n");
  writeFileSync(join(uiDir, "style.css"), "body { color: black; }\n");
  const mail = asyncStore(new Maildir(join(stateDir, "mail"), { pollMs: 100, ...maildir }));
  const presence = new LocalPresence(join(stateDir, "presence"));
  const dashboard = await startDashboard({ stateDir, cwd: project, mail, presence, uiDir, pollMs, ...options });
  const at = (path: string): string => `http://127.0.0.1:${dashboard.port}${path}${path.includes("?") ? "&" : "?"}token=${dashboard.token}`;
  return {
    stateDir,
    project,
    uiDir,
    mail,
    presence,
    dashboard,
    at,
    close: async () => {
      await dashboard.close();
      await presence.close();
      await mail.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A pid no process has (one that just ended). */
export function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid;
}

/** A raw request with headers fetch will not set (Host), answered with its status. */
export function rawStatus(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The dashboard's event stream: each `state` event in turn. */
export async function openEvents(url: string): Promise<{ next(matching?: (s: DashboardState) => boolean): Promise<DashboardState>; close(): void }> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  if (!res.ok || res.body === null) throw new Error(`events: HTTP ${res.status}`);
  const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const queued: DashboardState[] = [];
  const next = async (matching: (s: DashboardState) => boolean = () => true): Promise<DashboardState> => {
    for (;;) {
      const state = queued.shift();
      if (state !== undefined) {
        if (matching(state)) return state;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("events: the stream ended");
      for (const e of parser.feed(decoder.decode(value, { stream: true }))) if (e.event === "state") queued.push(JSON.parse(e.data) as DashboardState);
    }
  };
  return {
    next,
    close: () => {
      abort.abort();
    },
  };
}
