import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, Driver, Session, TurnFiles } from "@subagent-mcp/core";
import { afterAll, describe, expect, it } from "vitest";
import { NodeAgents, type NodeWitness } from "../src/node/node-agents.js";
import { ReportSchema, type Report } from "../src/protocol/protocol.js";

// A turn's files as a node read them ride on the report of its end: the schema carries them (and a
// node that sends none still parses), and the node asks its witness for them as each turn ends,
// begins each turn as its prompt is sent (a queued one as the turn before it ends), and reports the
// turn's end after what came before it.

const dir = mkdtempSync(join(tmpdir(), "turn-files-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FILES: TurnFiles = {
  files: { source: "git", changed: [{ path: "NOTE.md", change: "added", added: 1, removed: 0 }], total: { files: 1, added: 1, removed: 0 } },
  undetermined: [],
};
const END: AgentEvent = { type: "turn_end", result: "Done.", isError: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, durationMs: 1 };

describe("the report of a turn's end", () => {
  it("carries the node's files; one without them (an older node) parses as before; malformed files are refused", () => {
    const base = { kind: "event", agent: "r-1", node: "b", event: END };
    expect(ReportSchema.parse({ ...base, files: FILES })).toEqual({ ...base, files: FILES });
    expect(ReportSchema.parse(base)).toEqual(base);
    const undetermined = { files: { ...FILES.files, source: "none", changed: [] }, undetermined: ["files from git: not a git repository"] };
    expect(ReportSchema.parse({ ...base, files: undetermined })).toMatchObject({ files: undetermined });
    expect(ReportSchema.safeParse({ ...base, files: { files: { source: "svn" }, undetermined: [] } }).success).toBe(false);
  });
});

/** A CLI whose turns the test ends by hand. */
function scripted(): { driver: Driver; emit: (event: AgentEvent) => void; sent: string[] } {
  let listener: (event: AgentEvent) => void = () => undefined;
  const sent: string[] = [];
  const session: Session = {
    pid: 1,
    send: (text) => sent.push(text),
    interrupt: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    close: () => Promise.resolve(),
    kill: () => Promise.resolve(),
  };
  const driver: Driver = {
    provider: "claude",
    start: (_spec, onEvent) => {
      listener = onEvent;
      return session;
    },
  };
  return {
    driver,
    emit: (event) => {
      listener(event);
    },
    sent,
  };
}

/** What the node told its witness, in order; its files answer once `release` is called. */
function recordingWitness() {
  const calls: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const witness: NodeWitness = {
    begin: (a) => calls.push(`begin ${a.id} ${a.turn} ${a.prompt ?? "-"} in ${a.cwd}`),
    see: (id, e) => calls.push(`see ${id} ${e.type}`),
    files: async (id) => {
      calls.push(`files ${id}`);
      await released;
      return FILES;
    },
    drop: (id) => calls.push(`drop ${id}`),
  };
  return { witness, calls, release };
}

describe("a node's witness", () => {
  it("begins each turn as it starts, reads its files as it ends, and reports its end after what came before, with them", async () => {
    const { driver, emit, sent } = scripted();
    const { witness, calls, release } = recordingWitness();
    const reports: Report[] = [];
    let reported: () => void = () => undefined;
    const agents = new NodeAgents({
      name: "b",
      providers: { claude: { driver, cap: 1 } },
      ceiling: { roots: [dir] },
      worktrees: undefined,
      journal: undefined,
      witness,
      report: (_owner, body) => {
        reports.push(body);
        reported();
      },
      log: () => undefined,
    });
    const until = (n: number): Promise<void> =>
      new Promise((resolve) => {
        reported = () => {
          if (reports.length >= n) resolve();
        };
        reported();
      });
    agents.launch({ kind: "launch", agent: "r-1", provider: "claude", spec: { cwd: dir }, owner: "o" });
    await until(1); // spawned
    await agents.steer({ kind: "send", agent: "r-1", text: "first" });
    await agents.steer({ kind: "send", agent: "r-1", text: "second" });
    await agents.hosted.get("r-1")?.chain;
    expect(sent).toEqual(["first", "second"]);
    emit({ type: "tool", name: "Write", input: {}, kind: "edit", paths: ["NOTE.md"] });
    await until(2);
    emit(END);
    emit({ type: "text", delta: "the second turn's" });
    // The first turn's files were asked as it ended; the second (queued in the CLI) begins only then.
    expect(calls).toEqual([`begin r-1 1 first in ${dir}`, "see r-1 tool", "files r-1", `begin r-1 2 - in ${dir}`, "see r-1 text"]);
    const events = (): string[] => reports.flatMap((r) => (r.kind === "event" ? [r.event.type] : []));
    // Nothing overtakes the turn's end while its files are read.
    await new Promise((r) => setImmediate(r));
    expect(events()).toEqual(["tool"]);
    release();
    await until(4);
    expect(events()).toEqual(["tool", "turn_end", "text"]);
    expect(reports.find((r) => r.kind === "event" && r.event.type === "turn_end")).toMatchObject({ files: FILES });
    expect(reports.find((r) => r.kind === "event" && r.event.type === "text")).not.toHaveProperty("files");
    emit({ type: "exit", code: 0, signal: null });
    await until(5);
    expect(calls.at(-1)).toBe("drop r-1");
  });
});
