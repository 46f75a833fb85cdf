import { errorMessage } from "@subagent-mcp/errors";
// The dashboard's HTTP server on 127.0.0.1: one page, its state as JSON and as events, and its actions.
import { randomBytes } from "node:crypto";
import { mkdirSync, watch, type FSWatcher } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, resolve } from "node:path";
import type { MailboxStore, PresenceRegistry } from "@subagent-mcp/mailbox";
import { DEFAULT_PRICES, type PriceTable, type SharedSpend } from "@subagent-mcp/usage";
import type { SpendCaps } from "@subagent-mcp/usage/schema";
import { DashboardError } from "./errors.js";
import { refusal, sendText } from "./guard.js";
import { PageHub } from "./page-streams.js";
import { PastCache } from "./past.js";
import { serversDir } from "@subagent-mcp/state/server-records";
import { route } from "./routes.js";
import { ServerSet } from "./servers.js";
import { collectPastPage, collectState } from "./state.js";
import { defaultUiDir } from "./static.js";
import { timelineOf } from "./timeline.js";
import { UsageCache } from "./usage.js";
import { CapsSource } from "./caps.js";
import { BoardSource } from "./boards/source.js";
import { stateLayout } from "@subagent-mcp/state";
import type { Machine } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract";

/** What {@link startDashboard} needs: where state lives, which project, and the mail backends the CLI chose. */
export interface DashboardOptions {
  /** `$XDG_STATE_HOME/subagent-mcp`: servers/, agents/, workers/. */
  stateDir: string;
  /** The project: servers and past agents of this directory are shown. */
  cwd: string;
  mail: MailboxStore;
  presence: PresenceRegistry;
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** The secret every request carries (default: 32 random hex digits). */
  token?: string;
  /** Where the page's files are, index.html and the modules and stylesheets it loads (default: the package's ui/). */
  uiDir?: string;
  /** Prices for the usage table (default: the built-in ones). */
  prices?: PriceTable;
  /** How often mailboxes, presence and the registry are looked at while a page is open (default 5000 ms). */
  pollMs?: number;
  /** The config's `spend_caps`: the page shows where each stands (none: no caps section). */
  spendCaps?: SpendCaps;
  /** On a fleet, the other machines' turns, counted with the ledger's (shown at the next look, within `pollMs`). */
  sharedSpend?: SharedSpend;
  /** The live machines of the fleet, when one is configured (read each time the state is gathered). */
  machines?: () => Promise<Machine[]>;
  /** Told about failures to gather the state (default: silent). */
  onError?: (error: unknown) => void;
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://127.0.0.1:PORT/?token=TOKEN`: open it in a browser. */
  url: string;
  port: number;
  token: string;
  /** Ends every page's stream, every server link and the listener. */
  close(): Promise<void>;
}

// Watches a directory (made if missing, private like the rest of the state dir); a watch that cannot be made is skipped: the timer still looks.
function watchDir(dir: string, onChange: (event: string, name: string | null) => void): FSWatcher | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return watch(dir, { persistent: false }, onChange).on("error", () => undefined);
  } catch {
    return undefined;
  }
}

/** Listens on `port` of 127.0.0.1 (0: a free one) and resolves with the port; PORT_IN_USE when it is taken. */
function listen(http: Server, port: number): Promise<number> {
  return new Promise<number>((done, reject) => {
    http.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new DashboardError("PORT_IN_USE", `port ${port} on 127.0.0.1 is taken: choose another with --port`) : error);
    });
    http.listen(port, "127.0.0.1", () => {
      done((http.address() as AddressInfo).port);
    });
  });
}

/** Closes `http`, the event streams it still holds included. */
function closeServer(http: Server): Promise<void> {
  return new Promise<void>((done) => {
    http.closeAllConnections();
    http.close(() => {
      done();
    });
  });
}

/** Starts the dashboard on 127.0.0.1. Throws PORT_IN_USE when the port is taken. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const token = options.token ?? randomBytes(16).toString("hex");
  // It goes into URLs and the page as it is.
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) throw new DashboardError("BAD_REQUEST", "the token must be 16 to 128 letters, digits, - or _");
  const project = resolve(options.cwd);
  const onError = options.onError ?? (() => undefined);
  const past = new PastCache(stateLayout(options.stateDir).agents, project);
  const changed = (): void => {
    past.invalidate();
    hub.changed();
  };
  const servers = new ServerSet(options.stateDir, project, changed);
  const prices = options.prices ?? DEFAULT_PRICES;
  const usage = new UsageCache(options.stateDir, project, prices);
  // A board's journal or turns changing is news for the page at once: no agent's or server's change says it.
  const boards = new BoardSource(stateLayout(options.stateDir).boards, () => {
    hub.changed();
  });
  const sources = {
    stateDir: options.stateDir,
    project,
    mail: options.mail,
    presence: options.presence,
    servers,
    usage,
    past,
    boards,
    ...definedFields({
      machines: options.machines,
      caps: options.spendCaps === undefined ? undefined : new CapsSource(options.stateDir, options.spendCaps, options.sharedSpend),
    }),
  };
  const hub = new PageHub(() => collectState(sources), onError, options.pollMs);
  const uiDir = options.uiDir ?? defaultUiDir();
  let port = 0;

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const refused = refusal(req, url, port, token);
    if (refused !== undefined) {
      sendText(res, refused.status, refused.message);
      return;
    }
    const deps = {
      uiDir,
      token,
      hub,
      stateDir: options.stateDir,
      mail: options.mail,
      servers,
      state: () => collectState(sources),
      pastPage: (cursor: string | undefined, limit: number | undefined) => collectPastPage(sources, cursor, limit),
      timeline: (root: string | undefined) => timelineOf(options.stateDir, project, prices, root),
    };
    route(req, res, url, deps).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) sendText(res, 500, errorMessage(error));
      else res.end();
    });
  });
  // Event streams stay open for as long as a page does.
  http.requestTimeout = 0;
  port = await listen(http, options.port ?? 0);

  const watchers = [
    watchDir(serversDir(options.stateDir), () => {
      if (servers.sync()) changed();
    }),
    // The summaries' and usage's indexes (written while reading the journals) are no agent's change: no agent's id starts with a dot.
    watchDir(stateLayout(options.stateDir).agents, (_event, name) => {
      if (name?.startsWith(".") !== true) changed();
    }),
    // A turn any server or worker ended (the spend ledger) or a window a CLI reported: the caps and windows shown.
    watchDir(options.stateDir, (_event, name) => {
      if (name === basename(stateLayout(options.stateDir).spend) || name === basename(stateLayout(options.stateDir).rateLimits)) hub.changed();
    }),
  ];
  servers.sync();
  boards.start();

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const w of watchers) w?.close();
      boards.close();
      hub.close();
      await servers.close();
      await closeServer(http);
    },
  };
}
