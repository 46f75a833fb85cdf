import { stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { Receipt, ReceiptFiles } from "@subagent-mcp/contract";
import type { AgentEvent, PermissionEvent, TurnClose, TurnFiles, TurnWitness } from "@subagent-mcp/core";
import { buildReceipt } from "./build.js";
import { TreeWatch, type Snapshot } from "./git-tree.js";
import type { Phrases } from "./phrases.js";
import { MAX_LISTED, TurnTally } from "./tally.js";

// The server's witness of its agents' turns (core's TurnWitness): a tally per running turn, and a
// snapshot of the agent's tree taken as the turn starts, so that its end can say which files the
// turn changed. The snapshot runs beside the turn (a prompt is never held for it); if the agent's
// first writing tool beats it, the tree as the last turn left it (read as that turn ended, before
// it was reported) is the base instead.

export interface ReceiptsOptions {
  phrases: Phrases;
  /** A folder of ours for each agent's private git index and objects (one subfolder per agent, removed when it ends). */
  dir: string;
  /** Changed files listed before the rest are only counted (default 50). */
  maxFiles?: number;
  /** The bound on each run of git (default 2 s): past it, a receipt says its files were not determined. */
  gitTimeoutMs?: number;
}

// How far before the turn's start a named file's time may be and still be the turn's write: the
// kernel stamps files from a clock that lags ours by up to a tick (4-10 ms).
const MTIME_SLACK_MS = 50;

/** One agent's turn under way and what is known of its tree. */
interface Watched {
  cwd: string;
  watch: TreeWatch;
  tally: TurnTally;
  prompt: string | undefined;
  /** The tree as the turn started, once read. */
  start: Promise<Snapshot> | undefined;
  started: boolean;
  /** A writing tool ran before the start snapshot was read. */
  raced: boolean;
  /** The tree as the last turn left it (or as it started, when it wrote nothing). */
  last: Extract<Snapshot, { tree: string }> | undefined;
  /** The machine of the fleet it runs on, when not this one. */
  machine: string | undefined;
  /** Why its folder has no git tree to read ("not a git repository"), once a snapshot said so: later turns do not ask again. */
  noTree: string | undefined;
  /** Some snapshot of this folder was a git tree: a later turn that writes nothing is git's "none changed" even before its own start is read. */
  repository: boolean;
  /** The tree the last turn's changes were counted from (its diff is read against it). */
  base: Snapshot | undefined;
  /** When the turn began (ms since the epoch), against which its named files' times are held. */
  begunAt: number;
}

/** Makes each turn's receipt (see TurnWitness). */
export class Receipts implements TurnWitness {
  readonly #agents = new Map<string, Watched>();

  constructor(private readonly options: ReceiptsOptions) {}

  begin(agent: { id: string; cwd: string; turn: number; prompt: string | undefined; machine?: string }): void {
    const known = this.#agents.get(agent.id);
    const watched = known !== undefined && known.cwd === agent.cwd ? known : this.#watch(agent.id, agent.cwd, known);
    watched.tally = new TurnTally(this.options.phrases);
    watched.prompt = agent.prompt;
    watched.raced = false;
    watched.started = false;
    watched.base = undefined;
    watched.begunAt = Date.now();
    watched.machine = agent.machine;
    // Its files are on another machine: named there, not read here.
    if (agent.machine !== undefined) {
      watched.start = undefined;
      return;
    }
    // A folder that is not a repository is not asked again each turn: its files come from the edit tools.
    if (watched.noTree !== undefined) {
      watched.start = Promise.resolve({ undetermined: watched.noTree });
      watched.started = true;
      return;
    }
    const start = watched.watch.snapshot();
    watched.start = start;
    void start.then((snapshot) => {
      if (watched.start !== start) return;
      watched.started = true;
      if ("tree" in snapshot) watched.repository = true;
      if ("undetermined" in snapshot && snapshot.undetermined.startsWith("not a git repository")) watched.noTree = snapshot.undetermined;
    });
  }

  see(agentId: string, event: AgentEvent): void {
    const watched = this.#agents.get(agentId);
    if (watched === undefined) return;
    watched.tally.see(event);
    if (event.type === "tool" && !watched.started && watched.tally.wrote) watched.raced = true;
  }

  permission(event: PermissionEvent): void {
    this.#agents.get(event.agentId)?.tally.permission(event);
  }

  async end(agentId: string, close: TurnClose): Promise<Receipt> {
    const watched = this.#agents.get(agentId);
    if (watched === undefined) return this.endNow(agentId, close);
    const { files, undetermined } = await this.#files(watched, close.files);
    return buildReceipt(this.options.phrases, { tally: watched.tally, close, files, prompt: watched.prompt, undetermined });
  }

  /**
   * The running turn's files alone, read as its end would (a machine of the fleet reads them for the
   * orchestrator's receipt): call it as the turn ends. Never rejects.
   */
  async files(agentId: string): Promise<TurnFiles> {
    const watched = this.#agents.get(agentId);
    if (watched === undefined) return { files: emptyFiles("none"), undetermined: ["files from git: no turn was seen starting"] };
    return this.#files(watched, undefined).catch((error: unknown) => ({
      files: withoutGit(watched.tally, this.options.maxFiles, String(error), true),
      undetermined: [`files from git: ${String(error)}`],
    }));
  }

  endNow(agentId: string, close: TurnClose): Receipt {
    const watched = this.#agents.get(agentId);
    const tally = watched?.tally ?? new TurnTally(this.options.phrases);
    const why = close.lost === undefined ? "no turn was seen starting" : `the turn did not finish (${close.lost})`;
    const files = tally.wrote ? withoutGit(tally, this.options.maxFiles, why, watched?.noTree === undefined) : fromTools(tally, this.options.maxFiles);
    return buildReceipt(this.options.phrases, { tally, close, files, prompt: watched?.prompt, undetermined: [`files from git: ${why}`] });
  }

  async diff(agentId: string, maxChars: number): Promise<string | undefined> {
    const watched = this.#agents.get(agentId);
    const base = watched?.base;
    return watched === undefined || base === undefined ? undefined : watched.watch.patchSince(base, maxChars);
  }

  drop(agentId: string): void {
    const watched = this.#agents.get(agentId);
    this.#agents.delete(agentId);
    void watched?.watch.close();
  }

  /** Forgets every agent and removes their private folders. */
  async close(): Promise<void> {
    const all = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all(all.map((w) => w.watch.close()));
  }

  // `files` (git's, from the turn's start) with the named files it lacks that were written since the turn began.
  async #unseenWrites(watched: Watched, files: ReceiptFiles, maxFiles: number): Promise<ReceiptFiles> {
    const top = watched.watch.top;
    if (top === undefined) return files;
    const missed = (await writtenSince(unlisted(files, watched.tally, watched.cwd, top), watched.begunAt - MTIME_SLACK_MS)).map((path) => relative(top, path));
    if (missed.length === 0) return files;
    const changed = [...files.changed, ...missed.map((path) => ({ path, change: "written" as const }))];
    const omitted = (files.omitted ?? 0) + Math.max(0, changed.length - maxFiles);
    return {
      ...files,
      changed: changed.slice(0, maxFiles),
      total: { ...files.total, files: files.total.files + missed.length },
      ...(omitted > 0 ? { omitted } : {}),
      undetermined: `git read the turn's start after the agent wrote ${missed.length === 1 ? "a file" : `${String(missed.length)} files`}; listed as written from the CLI's edit tools`,
    };
  }

  #watch(agentId: string, cwd: string, before: Watched | undefined): Watched {
    void before?.watch.close();
    const dir = join(this.options.dir, agentId.replace(/[^A-Za-z0-9._-]/g, "_"));
    const watch = new TreeWatch({ cwd, dir, timeoutMs: this.options.gitTimeoutMs ?? 2_000 });
    const watched: Watched = {
      cwd,
      watch,
      tally: new TurnTally(this.options.phrases),
      prompt: undefined,
      start: undefined,
      started: false,
      raced: false,
      last: undefined,
      machine: undefined,
      noTree: undefined,
      repository: false,
      base: undefined,
      begunAt: Date.now(),
    };
    this.#agents.set(agentId, watched);
    return watched;
  }

  // A turn that ran nothing able to write changed no file: git's "none changed" where the folder is
  // known to be a repository, the CLI's edit tools' (none) elsewhere, not determined while unknown.
  #unwritten(watched: Watched): ReceiptFiles {
    if (watched.noTree !== undefined) return fromTools(watched.tally);
    return watched.repository ? emptyFiles("git") : emptyFiles("none");
  }

  // The turn's files from git: its start (or, if the agent wrote first, the tree the last turn left) against now.
  // A turn that ran on a machine of the fleet: the files that machine read (`remote`), when it said.
  async #files(watched: Watched, remote: TurnFiles | undefined): Promise<TurnFiles> {
    const maxFiles = this.options.maxFiles ?? MAX_LISTED;
    const machine = watched.machine;
    if (machine !== undefined && remote !== undefined) return remote;
    if (machine !== undefined)
      return { files: withoutGit(watched.tally, maxFiles, `it runs on ${machine}`, false), undetermined: [`files from git: it runs on ${machine}`] };
    // Nothing that writes ran: the tree is as the turn found it, git is not asked, and the turn's end
    // does not wait for its start's snapshot (a quick answer may end before it).
    if (!watched.tally.wrote) return { files: this.#unwritten(watched), undetermined: [] };
    const current = watched.start === undefined ? undefined : await watched.start;
    const base = watched.raced && watched.last !== undefined ? watched.last : current;
    const undetermined =
      watched.raced && watched.last === undefined ? ["files: the agent wrote before its tree was read; changes before then are not counted"] : [];
    if (base === undefined || "undetermined" in base) {
      const why = base === undefined ? "no snapshot at the start" : base.undetermined;
      const files = withoutGit(watched.tally, maxFiles, why, watched.noTree === undefined);
      return { files, undetermined: [...undetermined, `files from git: ${why}${files.source === "tools" ? "; listed from the CLI's edit tools" : ""}`] };
    }
    // One spawn: what changed since the start; then the tree as the turn left it (the next turn's
    // start if its agent writes before its own is read).
    watched.repository = true;
    let counted = base;
    let changes = await watched.watch.changesSince(base, maxFiles);
    // A file the agent's edit tool named that git did not count: the start was read after that write
    // had landed (the CLI writes, then says so; git can read in between), so the start holds it. The
    // turn is counted from the tree as the last turn left it instead, as when its tool event came first.
    const last = watched.last;
    if ("source" in changes && last !== undefined && base !== last && unlisted(changes, watched.tally, watched.cwd, watched.watch.top).length > 0) {
      counted = last;
      changes = await watched.watch.changesSince(counted, maxFiles);
    }
    // An agent's first turn has no such tree: a file its edit tools named, written since the turn
    // began, that git did not count was written before git read the start. It is listed as written
    // beside what git counted, and the count is said not to be exact.
    if ("source" in changes && last === undefined) changes = await this.#unseenWrites(watched, changes, maxFiles);
    watched.base = counted;
    // Read before the turn is reported, so before its agent can have the next prompt: a later turn
    // that writes before its own start is read falls back on a tree no write of its can be in.
    const end = await watched.watch.snapshot();
    watched.last = "undetermined" in end ? undefined : end;
    if (!("source" in changes))
      return {
        files: withoutGit(watched.tally, maxFiles, changes.undetermined, true),
        undetermined: [...undetermined, `files from git: ${changes.undetermined}`],
      };
    return { files: changes, undetermined };
  }
}

// The files an edit tool named in the agent's folder that `files` (git's) does not list, as absolute
// paths; none when git's list was cut short. Git's paths are from the repository's `top` when known.
function unlisted(files: ReceiptFiles, tally: TurnTally, cwd: string, top: string | undefined): string[] {
  if (files.omitted !== undefined) return [];
  const folder = `${resolve(cwd)}${sep}`;
  const named = [...tally.edited].map((path) => resolve(cwd, path)).filter((path) => path.startsWith(folder));
  const listed = new Set(files.changed.map((file) => resolve(top ?? cwd, file.path)));
  // Without `top`, a path git gave from a folder above `cwd` still ends with git's path.
  const isListed = (path: string): boolean => listed.has(path) || (top === undefined && files.changed.some((file) => path.endsWith(`${sep}${file.path}`)));
  return named.filter((path) => !isListed(path));
}

// The files of `paths` last written at or after `since` (ms since the epoch); one that is gone is not.
async function writtenSince(paths: string[], since: number): Promise<string[]> {
  const times = await Promise.all(paths.map(async (path) => (await stat(path).catch(() => undefined))?.mtimeMs));
  return paths.filter((_, i) => (times[i] ?? -1) >= since);
}

function emptyFiles(source: ReceiptFiles["source"]): ReceiptFiles {
  return { source, changed: [], total: { files: 0, added: 0, removed: 0 } };
}

/**
 * The files of a turn git did not answer for: the edit tools' list, marked undetermined (with `why`)
 * where git was to answer (`inRepository`: a repository whose git failed or was not asked), or where
 * something that writes unseen ran (a shell command, an MCP or unknown tool, an edit naming no path).
 */
function withoutGit(tally: TurnTally, maxFiles: number | undefined, why: string, inRepository: boolean): ReceiptFiles {
  const files = fromTools(tally, maxFiles);
  return inRepository || blind(tally) ? { ...files, undetermined: why } : files;
}

// No file named and a command or a tool we cannot see into ran: the tools cannot say.
function blind(tally: TurnTally): boolean {
  return tally.calls === 0 || tally.unnamedEdits > 0 || (tally.byKind.shell ?? 0) + (tally.byKind.mcp ?? 0) + (tally.byKind.other ?? 0) > 0;
}

// Outside a repository: the files the CLI's edit tools named (a shell command's writes are not seen).
function fromTools(tally: TurnTally, maxFiles = MAX_LISTED): ReceiptFiles {
  const paths = [...tally.edited].sort();
  if (paths.length === 0) return emptyFiles(blind(tally) ? "none" : "tools");
  const changed = paths.slice(0, maxFiles).map((path) => ({ path, change: "written" as const }));
  const omitted = paths.length - changed.length;
  return { source: "tools", changed, total: { files: paths.length, added: 0, removed: 0 }, ...(omitted > 0 ? { omitted } : {}) };
}
