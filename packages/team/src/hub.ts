import type { Board, BoardOp, BoardOptionsInput, BoardStore } from "@subagent-mcp/board";
import { appendBoardTurn, changes, claimable, summary } from "@subagent-mcp/board";
import { isRunning, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import { errorMessage } from "@subagent-mcp/errors";
import { TeamError } from "./errors.js";
import { BoardEvents } from "./events.js";
import { nextPrompt } from "./prompts.js";

// The server's side of its teams: every board operation its tools make goes through here, so that
// each change is told once (to `wait`) and wakes the members it concerns. A member works one task
// per turn, and the hub holds it to that by construction: `board_done` is recorded when the member's
// turn ends, with that turn's receipt (a suspect receipt sends the task back), and a claim still
// held when the turn ends goes back to the board. A member that ends, is killed or stops answering
// gives its claims back (at once, or after the board's claim timeout).

/** Where boards are kept: this machine's state folder, or the fleet's Redis. */
export interface BoardSource {
  /** Board `name`, made by the first open (whose `options` it keeps). */
  open(name: string, options?: BoardOptionsInput): Promise<BoardStore>;
  /** This machine's folder for the board (where the members' turns are written). */
  dir(name: string): string;
  /** Whether board `name` was made (by a `board_add`): reading it must not make it with default settings. */
  exists(name: string): Promise<boolean>;
}

type TeamSupervisor = Pick<Supervisor, "onTurn" | "onEnd" | "onChange" | "get" | "send" | "kill">;

interface Member {
  readonly id: string;
  readonly board: string;
  /** Whether it has a turn under way or asked for (so it is not handed another). */
  busy: boolean;
  /** When its claims were last said to be alive. */
  seenAt: number;
  /** The board's change count when a turn of it found nothing to take: not asked again until the board changes. */
  idleAt?: number;
}

/** A `board_done` waiting for the end of the turn that made it. */
interface PendingDone {
  readonly board: string;
  readonly key: string;
  readonly result: string;
}

export class TeamHub {
  readonly events = new BoardEvents();
  readonly #stores = new Map<string, Promise<BoardStore>>();
  readonly #last = new Map<string, Board>();
  // Per board, how many changes could have opened work (tasks added, done, sent back, released).
  readonly #version = new Map<string, number>();
  readonly #members = new Map<string, Member>();
  readonly #pending = new Map<string, PendingDone[]>();
  // Keys each agent's current turn touched, by board: the turn's line in the board's turns file.
  readonly #touched = new Map<string, Map<string, Set<string>>>();
  // Per board, the operation under way (settled either way): the next one starts after it.
  readonly #applying = new Map<string, Promise<unknown>>();
  #supervisor: TeamSupervisor | undefined;
  #sweep: NodeJS.Timeout | undefined;

  constructor(readonly source: BoardSource) {}

  /** Follows the supervisor's agents (a runtime follower): their turn ends and ends drive the boards. */
  attach(supervisor: TeamSupervisor): void {
    this.#supervisor = supervisor;
    supervisor.onTurn((report) => {
      void this.#turnEnded(report).catch((error: unknown) => {
        warn(`a member's turn end could not be recorded on its board: ${errorMessage(error)}`);
      });
    });
    supervisor.onEnd((view) => {
      void this.#memberEnded(view.id).catch((error: unknown) => {
        warn(`${view.id}'s claims could not be given back: ${errorMessage(error)}`);
      });
    });
    supervisor.onChange((change) => {
      this.#alive(change.agentId);
      // A member whose turn report came before its status settled is fed once it is idle.
      const member = change.type === "status" && change.alive && !isRunning(change.status) ? this.#members.get(change.agentId) : undefined;
      if (member !== undefined && !member.busy) this.#feed(member);
    });
  }

  /** Board `name` (opened once per server). */
  store(name: string, options?: BoardOptionsInput): Promise<BoardStore> {
    let store = this.#stores.get(name);
    if (store === undefined) {
      store = this.source.open(name, options);
      this.#stores.set(name, store);
      store.catch(() => this.#stores.delete(name));
    }
    return store;
  }

  /** Whether board `name` was made (here or by another server). */
  async exists(name: string): Promise<boolean> {
    return this.#stores.has(name) || (await this.source.exists(name));
  }

  /** Board `name` as it is; a board nobody made is refused (reading it must not make it). */
  async read(name: string): Promise<Board> {
    if (!(await this.exists(name))) {
      throw new TeamError("UNKNOWN_BOARD", `there is no board "${name}": board_add makes it with its first tasks`);
    }
    const board = await (await this.store(name)).read();
    this.#last.set(name, board);
    return board;
  }

  /** Applies `op` to board `name`: the board after it, or the board's error (nothing changed). Tells what changed. */
  apply(name: string, op: BoardOp): Promise<Board> {
    // One at a time per board: each operation's `before` is the board the last one left, so that
    // operations landing together (two members' tools, a turn's end) each tell their own change once.
    const run = (this.#applying.get(name) ?? Promise.resolve()).then(() => this.#applyNow(name, op));
    this.#applying.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }

  async #applyNow(name: string, op: BoardOp): Promise<Board> {
    const store = await this.store(name);
    const before = this.#last.get(name) ?? (await store.read());
    const applied = await store.apply(op);
    if ("error" in applied) throw applied.error;
    const after = applied.board;
    this.#last.set(name, after);
    if ("member" in op || op.type === "review") this.#touch(name, op);
    const changed = changes(before, after);
    if (changed.any) this.events.record(name, changed, after);
    if (changed.any || op.type === "add" || op.type === "join" || op.type === "release_member") this.#version.set(name, (this.#version.get(name) ?? 0) + 1);
    // Whatever changed may have opened work for an idle member of this board.
    for (const m of this.#members.values()) if (m.board === name && !m.busy) this.#feed(m);
    if (changed.became_all_done) this.#release(name);
    return after;
  }

  /** Makes `ids` members of board `name` (their first turn already asked for). */
  async join(name: string, members: readonly { id: string; vendor: string; categories?: string[] | undefined }[]): Promise<void> {
    await this.apply(name, {
      type: "join",
      members: members.map((m) => ({ name: m.id, vendor: m.vendor, ...(m.categories === undefined ? {} : { categories: m.categories }) })),
    });
    for (const m of members) this.#members.set(m.id, { id: m.id, board: name, busy: true, seenAt: Date.now() });
    this.#startSweep();
  }

  /** Whether some team is at work (a member lives): a wait with no agent to wait on still waits for its boards. */
  active(): boolean {
    return this.#members.size > 0;
  }

  /** The board a member works, if `id` is one. */
  boardOf(id: string): string | undefined {
    return this.#members.get(id)?.board;
  }

  /** Records `board_done` for the end of `member`'s turn. */
  pendDone(member: string, done: PendingDone): void {
    const list = this.#pending.get(member) ?? [];
    this.#pending.set(member, [...list.filter((d) => d.key !== done.key || d.board !== done.board), done]);
    this.#touchKey(member, done.board, done.key);
  }

  /** Claims of members of `name` that are gone (a server restarted under them) go back to the board. */
  async releaseGone(name: string, alive: (id: string) => boolean): Promise<string[]> {
    const board = await this.read(name);
    const gone = (board.team ?? []).map((m) => m.name).filter((id) => !alive(id) && !this.#members.has(id));
    for (const id of gone) await this.apply(name, { type: "release_member", member: id, why: "was gone when the team was resumed" });
    return gone;
  }

  /** Ends board `name`'s members (a launch_team task cancelled by its host). */
  endTeam(name: string): void {
    this.#release(name);
  }

  close(): void {
    if (this.#sweep !== undefined) clearInterval(this.#sweep);
  }

  async #turnEnded(report: TurnReport): Promise<void> {
    if (report.superseded !== undefined) return;
    const id = report.agentId;
    const pending = this.#pending.get(id) ?? [];
    this.#pending.delete(id);
    const suspect = suspectOf(report);
    for (const d of pending) {
      await this.apply(d.board, { type: "done", key: d.key, member: id, result: d.result, ...receiptOf(report), suspect }).catch((error: unknown) => {
        warn(`${id}'s board_done of "${d.key}" was not recorded: ${errorMessage(error)}`);
      });
    }
    const member = this.#members.get(id);
    const boards = new Set([...(this.#touched.get(id)?.keys() ?? []), ...(member === undefined ? [] : [member.board])]);
    for (const name of boards) {
      // A claim or a review still held when the turn ended goes back: one task, one turn.
      const board = await this.read(name);
      const held = board.tasks.some((t) => (t.state.status === "claimed" && t.state.by === id) || (t.state.status === "in_review" && t.state.reviewer === id));
      const why =
        report.interrupted || report.status === "stopped" || report.status === "errored"
          ? "was stopped (interrupted or killed)"
          : "ended its turn without board_done, board_fail or board_review";
      if (held) await this.apply(name, { type: "release_member", member: id, why });
      await this.#writeTurn(name, report, pending.length > 0 ? (suspect.length > 0 ? "sent back" : "done") : undefined);
    }
    // A turn that took nothing is not asked again until the board changes: no member spins on it.
    if (member !== undefined && (this.#touched.get(id)?.size ?? 0) === 0) member.idleAt = this.#version.get(member.board) ?? 0;
    this.#touched.delete(id);
    if (member !== undefined) {
      member.busy = false;
      this.#feed(member);
    }
  }

  async #memberEnded(id: string): Promise<void> {
    const member = this.#members.get(id);
    this.#pending.delete(id);
    if (member === undefined) return;
    this.#members.delete(id);
    const board = await this.read(member.board);
    if (summary(board).all_done) return;
    this.events.push({ board: member.board, kind: "member_ended", keys: [], detail: `${id} ended; its claims went back to the board` });
    await this.apply(member.board, { type: "release_member", member: id, why: "ended" });
  }

  // Hands an idle member its next turn if the board has one for it.
  #feed(member: Member): void {
    const supervisor = this.#supervisor;
    const board = this.#last.get(member.board);
    if (supervisor === undefined || board === undefined || member.busy) return;
    if (member.idleAt !== undefined && member.idleAt === (this.#version.get(member.board) ?? 0)) return;
    let view;
    try {
      view = supervisor.get(member.id);
    } catch {
      return;
    }
    if (!view.alive || isRunning(view.status) || claimable(board, member.id).length === 0) return;
    member.busy = true;
    try {
      supervisor.send(member.id, nextPrompt(member.board));
    } catch (error) {
      member.busy = false;
      warn(`${member.id} could not be handed its next task: ${errorMessage(error)}`);
    }
  }

  // The board is finished: its members have nothing left, and their CLIs are ended.
  #release(name: string): void {
    for (const m of [...this.#members.values()]) {
      if (m.board !== name) continue;
      this.#members.delete(m.id);
      void this.#supervisor?.kill(m.id).catch(() => undefined);
    }
  }

  // A member's activity keeps its claims alive (heartbeats at most every 5 s).
  #alive(id: string): void {
    const member = this.#members.get(id);
    const now = Date.now();
    if (member === undefined || now - member.seenAt < 5_000) return;
    member.seenAt = now;
    void this.apply(member.board, { type: "heartbeat", member: id }).catch(() => undefined);
  }

  // Claims whose claimer stopped answering go back after the board's claim timeout.
  #startSweep(): void {
    if (this.#sweep !== undefined) return;
    this.#sweep = setInterval(() => {
      const boards = new Set([...this.#members.values()].map((m) => m.board));
      for (const name of boards) void this.apply(name, { type: "release" }).catch(() => undefined);
    }, 15_000);
    this.#sweep.unref();
  }

  #touch(name: string, op: BoardOp): void {
    const who = op.type === "review" ? op.reviewer : "member" in op ? op.member : undefined;
    if (who !== undefined && "key" in op) this.#touchKey(who, name, op.key);
  }

  #touchKey(member: string, board: string, key: string): void {
    const boards = this.#touched.get(member) ?? new Map<string, Set<string>>();
    boards.set(board, (boards.get(board) ?? new Set()).add(key));
    this.#touched.set(member, boards);
  }

  async #writeTurn(name: string, report: TurnReport, outcome: string | undefined): Promise<void> {
    const keys = [...(this.#touched.get(report.agentId)?.get(name) ?? [])];
    let provider: string | undefined;
    let model: string | undefined;
    try {
      const view = this.#supervisor?.get(report.agentId);
      provider = view?.provider;
      model = view?.model;
    } catch {
      // Gone already: the turn is still written.
    }
    await appendBoardTurn(this.source.dir(name), {
      at: new Date().toISOString(),
      board: name,
      member: report.agentId,
      turn: report.turn,
      keys,
      ...(provider === undefined ? {} : { provider }),
      ...(model === undefined ? {} : { model }),
      ...(outcome === undefined ? {} : { outcome }),
      ...(report.costUsd === undefined ? {} : { cost_usd: report.costUsd }),
      tokens: { input: report.usage.input, output: report.usage.output },
    }).catch((error: unknown) => {
      warn(`a turn of ${report.agentId} could not be written to board ${name}'s turns: ${errorMessage(error)}`);
    });
  }
}

/** Why the turn's own facts do not back its board_done: its receipt's suspect claims, or the turn failing. */
function suspectOf(report: TurnReport): string[] {
  const reasons = (report.receipt?.suspect ?? []).map((s) => `the turn's receipt: ${s.evidence}`);
  if (report.isError) reasons.push(`the turn ended in an error: ${report.result.slice(0, 300)}`);
  return reasons;
}

// The receipt a done task keeps: whole when it is small, else its facts without the long lists (every
// command, each earlier attempt's receipt), so that a long turn's receipt never keeps its task from done.
const RECEIPT_ROOM = 16_000;
function receiptOf(report: TurnReport): { receipt?: unknown } {
  const receipt = report.receipt;
  if (receipt === undefined) return {};
  if (JSON.stringify(receipt).length <= RECEIPT_ROOM) return { receipt };
  const { attempts: _a, ...rest } = receipt;
  const trimmed = {
    ...rest,
    commands: receipt.commands.slice(-10),
    permissions: receipt.permissions.slice(-10),
    files: { ...receipt.files, changed: receipt.files.changed.slice(0, 50) },
  };
  return JSON.stringify(trimmed).length <= RECEIPT_ROOM ? { receipt: trimmed } : {};
}

function warn(text: string): void {
  process.stderr.write(`subagent-mcp: ${text}\n`);
}
