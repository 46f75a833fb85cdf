// The dashboard's live stream with N agents: the dashboard started beside the server (same state and
// project), its event stream (`/api/events`, what the page follows) read by a plain HTTP client over
// the load window; its rate, size, how late it shows a turn's end, and the dashboard's own RSS and CPU.
import { get, type IncomingMessage } from "node:http";
import type { CliEnvironment } from "@subagent-mcp/testkit";
import { ourDist, startDashboard } from "../mcp-rig.js";
import { sampleTree, type TreeSample } from "@subagent-mcp/testkit";
import { summarize, type Summary } from "../stats.js";

/** What the dashboard's stream and process did over the load window. */
export interface DashboardStream {
  events: number;
  eventsPerS: number;
  bytesPerS: number;
  bytesPerEvent: number;
  /** The server recorded a turn's end -> the first event whose state shows that agent with the turn done (ms). */
  turnToEvent: Summary;
  /** Turns never shown done by an event before the window's end. */
  turnsUnseen: number;
  /** The dashboard process (and any child of it): median RSS over the window (MB) and CPU (ms per second). */
  rssMb: number;
  cpuMsPerS: number;
}

/** A finished turn: the agent, its turn number, when the server recorded its end (performance clock). */
export interface RecordedTurn {
  id: string;
  turn: number;
  recorded: number;
}

/** The agents a state event shows as done with a turn: id -> turns, for those no longer working on one. */
function doneTurns(data: string): Map<string, number> {
  const out = new Map<string, number>();
  const state = JSON.parse(data) as { servers?: { agents?: { agent_id: string; status: string; turns: number }[] }[] };
  for (const server of state.servers ?? []) {
    for (const a of server.agents ?? []) {
      if (a.status !== "processing" && a.status !== "queued" && a.status !== "permission_requested") out.set(a.agent_id, a.turns);
    }
  }
  return out;
}

/** Follows the stream: each event's arrival and size, and when each agent was first shown done with each turn count. */
class StreamLog {
  readonly events: { at: number; bytes: number }[] = [];
  /** Per agent: [turns done, first seen] as the count grew. */
  readonly shown = new Map<string, [number, number][]>();
  #buffer = "";

  feed(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf("\n\n")) >= 0) {
      const frame = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      // Comments (": ping", ": connected") are not events.
      if (frame.startsWith(":")) continue;
      const at = performance.now();
      this.events.push({ at, bytes: Buffer.byteLength(frame) + 2 });
      const data = frame
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n");
      for (const [id, turns] of doneTurns(data)) {
        const seen = this.shown.get(id) ?? [];
        if ((seen.at(-1)?.[0] ?? -1) < turns) seen.push([turns, at]);
        this.shown.set(id, seen);
      }
    }
  }

  /** When an event first showed `id` done with `turn` (or a later one). */
  firstShown(id: string, turn: number): number | undefined {
    return this.shown.get(id)?.find(([turns]) => turns >= turn)?.[1];
  }
}

/** The dashboard and its open stream; `measure` from `from` to `to` (performance clock). */
export interface DashboardWatch {
  /** Marks the window's start: the dashboard's CPU and RSS from here. */
  begin(): void;
  /** Samples the dashboard's RSS (call it now and then during the window). */
  sample(): void;
  /** The window's figures for the turns recorded in it. */
  measure(from: number, to: number, turns: RecordedTurn[]): DashboardStream;
  stop(): Promise<void>;
}

function openStream(url: string, log: StreamLog): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`dashboard stream: HTTP ${String(res.statusCode)}`));
        res.resume();
        return;
      }
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        log.feed(chunk);
      });
      resolve(res);
    }).on("error", reject);
  });
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Starts the dashboard in `env` (the server's state and project) and opens its event stream. */
export async function watchDashboard(env: CliEnvironment): Promise<DashboardWatch> {
  const dash = startDashboard(env);
  const log = new StreamLog();
  let res: IncomingMessage;
  try {
    const { page } = await dash.urls;
    res = await openStream(page.replace("/?token=", "/api/events?token="), log);
  } catch (error) {
    await dash.stop();
    throw error;
  }
  let start: { at: number; tree: TreeSample } | undefined;
  const rss: number[] = [];
  return {
    begin() {
      start = { at: performance.now(), tree: sampleTree(dash.pid, ourDist) };
    },
    sample() {
      rss.push(sampleTree(dash.pid, ourDist).oursRssMb);
    },
    measure(from, to, turns) {
      const end = sampleTree(dash.pid, ourDist);
      const seconds = (to - from) / 1_000;
      const inWindow = log.events.filter((e) => e.at >= from && e.at <= to);
      const bytes = inWindow.reduce((sum, e) => sum + e.bytes, 0);
      const lags: number[] = [];
      let unseen = 0;
      for (const t of turns) {
        const shown = log.firstShown(t.id, t.turn);
        if (shown === undefined) unseen += 1;
        else lags.push(shown - t.recorded);
      }
      const cpuSeconds = start === undefined ? seconds : (performance.now() - start.at) / 1_000;
      return {
        events: inWindow.length,
        eventsPerS: round1(inWindow.length / seconds),
        bytesPerS: Math.round(bytes / seconds),
        bytesPerEvent: inWindow.length === 0 ? 0 : Math.round(bytes / inWindow.length),
        turnToEvent: summarize(lags),
        turnsUnseen: unseen,
        rssMb: rss.length === 0 ? end.oursRssMb : summarize(rss).median,
        cpuMsPerS: round1((end.oursCpuMs - (start?.tree.oursCpuMs ?? 0)) / cpuSeconds),
      };
    },
    async stop() {
      res.destroy();
      await dash.stop();
    },
  };
}
