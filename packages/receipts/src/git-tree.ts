// The git half of a receipt: snapshots of an agent's working tree (tracked and untracked files,
// ignored ones not) and the files changed between two of them, without touching the user's index,
// refs or objects, and without running any program the repository's config names. The snapshots
// are trees written with a private git directory, index and object directory under `dir`
// (git-dir.ts); the user's objects are read through GIT_ALTERNATE_OBJECT_DIRECTORIES.
// The private index starts as a copy of the repository's own, so the stat data git already has is
// reused: only files changed or untracked since are hashed, and later snapshots only what changed
// since the one before. A turn's end writes nothing: the private index, as the start's snapshot
// left it, is compared with the working tree (git-turn-end.ts).
import { copyFile, rm, stat, utimes } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ReceiptFiles } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";
import { DIFF_FORMAT, parseDiff, summarizeFiles } from "./git-diff.js";
import { KEPT_CONFIG, makeGitDir } from "./git-dir.js";
import { gitEnv, runGit, type GitOutcome } from "./git-run.js";
import { bigFileThreshold, CHANGED_FILES, changedAfterAll, countAdded, driversBinary, NEW_FILES, NEW_FILES_ATTRIBUTES, readListing } from "./git-turn-end.js";

/** A snapshot of the working tree: the tree's id, or why it could not be taken. */
export type Snapshot = { tree: string } | { undetermined: string };

/** The files changed between two snapshots, or why they could not be read. */
export type TreeChanges = ReceiptFiles | { undetermined: string };

export interface TreeWatchOptions {
  /** The agent's working directory: a repository's root, a worktree, a folder inside one, or none. */
  cwd: string;
  /** A folder of ours for the private index and objects; created on the first snapshot, removed by close(). */
  dir: string;
  /** The bound on each run of git (default 10 s); past it the run is killed and the answer is undetermined. */
  timeoutMs?: number;
}

interface Repo {
  top: string;
  env: Record<string, string | undefined>;
  /** Past this size (bytes) git calls a file binary without reading it. */
  bigFile: number;
  /** What the config's diff drivers say of binary files, read when a new file first names one. */
  drivers?: Map<string, boolean>;
}

// Our writes must not land in the user's .git: a split index would write its shared part there, and
// no command of ours may start a gc or maintenance on the user's repository.
const CONFIG = ["-c", "core.splitIndex=false", "-c", "gc.auto=0", "-c", "maintenance.auto=false"];
// Stages the whole working tree into the private index (untracked files in, ignored ones out); a
// path git cannot add (an unreadable file, a nested repository without a commit) is left out
// rather than failing the whole snapshot.
const ADD_ALL = [...CONFIG, "add", "--all", "--ignore-errors"];
const TREE_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Snapshots of one agent's working tree and what changed between them. Never throws and never
 * hangs: every failure (not a repository, the worktree removed, git too slow) is an `undetermined`
 * reason. Paths are relative to the repository's root (not to `cwd`): the whole working tree is
 * watched, wherever in it the agent works. Calls run one at a time.
 */
export class TreeWatch {
  readonly #cwd: string;
  readonly #dir: string;
  readonly #timeoutMs: number;
  #repo: Repo | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  // The tree the private index holds exactly, when it does: the last snapshot's, until a command stages anew.
  #staged: string | undefined;

  constructor(options: TreeWatchOptions) {
    this.#cwd = resolve(options.cwd);
    this.#dir = resolve(options.dir);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The repository's top folder, once a call has found it (what git's paths are relative to). */
  get top(): string | undefined {
    return this.#repo?.top;
  }

  /** The working tree as it is now. */
  snapshot(): Promise<Snapshot> {
    return this.#serial(async () => {
      this.#staged = undefined;
      const outcome = await this.#git([ADD_ALL, [...CONFIG, "write-tree"]]);
      if ("undetermined" in outcome) return outcome;
      const tree = outcome.stdout.trim();
      if (!TREE_ID.test(tree)) return { undetermined: `git write-tree answered "${tree.slice(0, 80)}"` };
      this.#staged = tree;
      return { tree };
    });
  }

  /** The files changed from `from` to `to`, the first `maxFiles` listed. */
  diff(from: Snapshot, to: Snapshot, maxFiles: number): Promise<TreeChanges> {
    return this.#serial(async () => {
      if ("undetermined" in from) return { undetermined: `no snapshot at the start: ${from.undetermined}` };
      if ("undetermined" in to) return to;
      const outcome = await this.#git([["diff-tree", ...DIFF_FORMAT, from.tree, to.tree]]);
      return "undetermined" in outcome ? outcome : parseDiff(outcome.stdout, maxFiles);
    });
  }

  /**
   * A turn's end: the working tree as it is now against `start`, the first `maxFiles` listed. When
   * `start` is the last snapshot (the private index holds it), one spawn reads the working tree
   * against the index and writes nothing (git-turn-end.ts); else the index is brought up to date
   * and compared with `start` (no tree is written). The next turn takes its own snapshot.
   */
  changesSince(start: Snapshot, maxFiles: number): Promise<TreeChanges> {
    return this.#serial(async () => {
      if ("undetermined" in start) return { undetermined: `no snapshot at the start: ${start.undetermined}` };
      if (this.#staged === start.tree) {
        const read = await this.#againstIndex(maxFiles);
        if (read !== undefined) return read;
      }
      this.#staged = undefined;
      const outcome = await this.#git([ADD_ALL, ["diff-index", "--cached", ...DIFF_FORMAT, start.tree, "--"]]);
      return "undetermined" in outcome ? outcome : parseDiff(outcome.stdout, maxFiles);
    });
  }

  // The working tree against the private index, which holds the start; undefined where only staging
  // the tree can say (a nested repository, or git failed on a path it could not read).
  async #againstIndex(maxFiles: number): Promise<TreeChanges | undefined> {
    // One bound for the whole reading: what the first run leaves is the later ones' (and the counting's).
    const deadline = performance.now() + this.#timeoutMs;
    const left = (): number => Math.max(1, Math.round(deadline - performance.now()));
    // Both read the working tree: the new files are listed while the changed ones are (one spawn, two cores).
    const outcome = await this.#run([CHANGED_FILES], [NEW_FILES, NEW_FILES_ATTRIBUTES]);
    if ("undetermined" in outcome) return outcome.timedOut === true ? { undetermined: outcome.undetermined } : undefined;
    const listing = readListing(outcome.stdout, outcome.alongside ?? "");
    if ("full" in listing) return undefined;
    const repo = this.#repo;
    if (repo === undefined) return undefined;
    const changed = [...listing.changed];
    // A binary file git lists as modified may only have been touched: its content now says.
    if (listing.unsure.length > 0) {
      const hashed = await this.#run([["hash-object", "--", ...listing.unsure.map((entry) => entry.path)]], undefined, left());
      if ("undetermined" in hashed) return hashed.timedOut === true ? { undetermined: hashed.undetermined } : undefined;
      changed.push(...changedAfterAll(listing.unsure, hashed.stdout));
    }
    if (listing.added.some((file) => file.driver !== undefined) && repo.drivers === undefined) {
      const config = await this.#run([["config", "-z", "--get-regexp", "^diff\\..*\\.binary$"]], undefined, left());
      if ("undetermined" in config) return config.timedOut === true ? { undetermined: config.undetermined } : undefined;
      repo.drivers = driversBinary(config.stdout);
    }
    const drivers = repo.drivers;
    const added = listing.added.map((file) => (file.driver === undefined ? file : { ...file, binary: drivers?.get(file.driver) }));
    const counted = await countAdded(repo.top, added, repo.bigFile, deadline);
    if (counted === undefined) return { undetermined: `the new files' lines took longer than ${this.#timeoutMs} ms to count` };
    return summarizeFiles([...changed, ...counted], maxFiles);
  }

  /**
   * A turn's end in one spawn, keeping the end as a snapshot (the next turn's fallback start): the
   * working tree staged, its tree written, and compared with `start`.
   */
  turnEnd(start: Snapshot, maxFiles: number): Promise<{ end: Snapshot; changes: TreeChanges }> {
    return this.#serial(async () => {
      this.#staged = undefined;
      const outcome = await this.#git([
        ADD_ALL,
        [...CONFIG, "write-tree"],
        ...("tree" in start ? [["diff-index", "--cached", ...DIFF_FORMAT, start.tree, "--"]] : []),
      ]);
      if ("undetermined" in outcome) return { end: outcome, changes: outcome };
      const newline = outcome.stdout.indexOf("\n");
      const tree = outcome.stdout.slice(0, newline);
      const end = TREE_ID.test(tree) ? { tree } : { undetermined: `git write-tree answered "${tree.slice(0, 80)}"` };
      if ("tree" in end) this.#staged = tree;
      if ("undetermined" in start) return { end, changes: { undetermined: `no snapshot at the start: ${start.undetermined}` } };
      return { end, changes: parseDiff(outcome.stdout.slice(newline + 1), maxFiles) };
    }, bothUndetermined);
  }

  /**
   * The working tree's changes since `start` as a unified diff, cut at `maxChars` (a review reads
   * it). Binary files are named, not shown; the user's diff drivers and textconv never run.
   */
  patchSince(start: Snapshot, maxChars: number): Promise<string | undefined> {
    return this.#serial(
      async () => {
        if ("undetermined" in start) return undefined;
        this.#staged = undefined;
        const outcome = await this.#git([ADD_ALL, ["diff-index", "--cached", "-p", "--no-renames", "--no-ext-diff", "--no-textconv", start.tree, "--"]]);
        if ("undetermined" in outcome) return undefined;
        const patch = outcome.stdout;
        return patch.length <= maxChars ? patch : `${patch.slice(0, maxChars)}\n… (the diff goes on: ${patch.length - maxChars} more characters)`;
      },
      () => undefined,
    );
  }

  /** Removes the private folder; later calls answer undetermined. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await rm(this.#dir, { recursive: true, force: true }).catch(() => undefined);
  }

  // One call at a time (they share the private index's lock); whatever throws becomes a reason.
  #serial<T>(work: () => Promise<T>, fail: (reason: string) => T = (reason) => ({ undetermined: reason }) as T): Promise<T> {
    const guarded = async (): Promise<T> => {
      if (this.#closed) return fail("the receipt's git watch is closed");
      try {
        return await work();
      } catch (error) {
        return fail(`git could not be read (${errorMessage(error)})`);
      }
    };
    const next = this.#queue.then(guarded, guarded);
    this.#queue = next;
    return next;
  }

  // A reason alone: whether the bound passed is for #againstIndex only.
  async #git(steps: string[][]): Promise<GitOutcome> {
    const outcome = await this.#run(steps);
    return "undetermined" in outcome ? { undetermined: outcome.undetermined } : outcome;
  }

  async #run(steps: string[][], alongside?: string[][], timeoutMs = this.#timeoutMs): Promise<GitOutcome> {
    const repo = this.#repo ?? (await this.#open());
    if ("undetermined" in repo) return repo;
    this.#repo = repo;
    const side = alongside === undefined ? {} : { alongside: { steps: alongside, into: join(this.#dir, "new-files") } };
    const outcome = await runGit({ cwd: repo.top, steps, env: repo.env, timeoutMs, lenient: ["add", "config"], ...side });
    // A killed git leaves its lock behind, which would fail every later call.
    if ("undetermined" in outcome) await rm(join(this.#dir, "index.lock"), { force: true });
    return outcome;
  }

  // Finds the repository, makes the private git directory (git-dir.ts) and seeds its index with a copy of the repository's.
  async #open(): Promise<Repo | { undetermined: string }> {
    const args = ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-path", "index", "--git-common-dir", "--shared-index-path"];
    const found = await runGit({ cwd: this.#cwd, steps: [args], env: gitEnv(), timeoutMs: this.#timeoutMs });
    if ("undetermined" in found) return found;
    const [top, index, common, shared] = found.stdout.split("\n");
    if (top === undefined || top === "" || index === undefined || common === undefined) return { undetermined: "not a git repository (no working tree)" };
    const kept = await runGit({
      cwd: top,
      steps: [["config", "-z", "--get-regexp", KEPT_CONFIG]],
      env: gitEnv(),
      timeoutMs: this.#timeoutMs,
      lenient: ["config"],
    });
    if ("undetermined" in kept) return kept;
    const config = await makeGitDir(this.#dir, { common, shared: shared === "" ? undefined : shared }, kept.stdout);
    const own = join(this.#dir, "index");
    await seed(index, own);
    const env = gitEnv(
      {
        GIT_DIR: this.#dir,
        GIT_WORK_TREE: top,
        GIT_INDEX_FILE: own,
        GIT_OBJECT_DIRECTORY: join(this.#dir, "objects"),
        GIT_ALTERNATE_OBJECT_DIRECTORIES: alternate(join(common, "objects")),
      },
      config,
    );
    const bigFile = bigFileThreshold(config.find(([key]) => key === "core.bigfilethreshold")?.[1]);
    return { top, env, bigFile };
  }
}

// The copy keeps the index's mtime: git trusts an entry's stat data only when the file is older than
// the index, and a newer copy would hide the racily-clean entries of the original.
async function seed(index: string, own: string): Promise<void> {
  try {
    const { atime, mtime } = await stat(index);
    await copyFile(index, own);
    await utimes(own, atime, mtime);
  } catch {
    // No index yet (a repository without a commit): the first snapshot hashes every file.
    await rm(own, { force: true });
  }
}

// GIT_ALTERNATE_OBJECT_DIRECTORIES is a PATH-like list; a path with the separator is C-quoted.
function alternate(path: string): string {
  const separator = process.platform === "win32" ? ";" : ":";
  return path.includes(separator) || path.startsWith('"') ? JSON.stringify(path) : path;
}

const bothUndetermined = (reason: string) => ({ end: { undetermined: reason }, changes: { undetermined: reason } });
