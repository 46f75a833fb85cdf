import { errorMessage } from "@subagent-mcp/errors";
// The machine's team boards as the state shows them: each folder of the boards folder that holds a
// board, read through the board's own store (which catches up with its journal from where it was),
// with its members' turns. Watched, so a change of a journal, of a turns file or of the set of boards
// pushes a new state to the pages at once.
import { existsSync, mkdirSync, watch, type FSWatcher } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { openLocalBoard, readBoardTurns, type BoardStore, type BoardTurn } from "@subagent-mcp/board";
import type { BoardView } from "@subagent-mcp/contract";
import { boardView } from "./view.js";

/** Boards the state holds at most: the most recently changed. */
const MAX_BOARDS = 20;

/** The files of a board folder whose change is a change of the board (the store's own temporary files are not). */
const BOARD_FILES = new Set(["board.jsonl", "turns.jsonl", "options.json"]);

interface Opened {
  store: Promise<BoardStore> | undefined;
  watcher: FSWatcher | undefined;
  turns: { stamp: string; turns: BoardTurn[] } | undefined;
}

/** The boards of `dir` (`stateLayout(stateDir).boards`), watched from {@link start} until {@link close}. */
export class BoardSource {
  readonly #boards = new Map<string, Opened>();
  #watcher: FSWatcher | undefined;
  #closed = false;

  constructor(
    private readonly dir: string,
    /** Told when a board changed, appeared or went. */
    private readonly onChange: () => void,
  ) {}

  /** Watches the boards folder (made if missing, private like the rest of the state folder). */
  start(): void {
    this.#watcher = watchOrNone(this.dir, true, () => {
      this.onChange();
    });
  }

  /** Every board's view, the most recently changed first; a board that cannot be read is said in `errors`. */
  async views(errors: string[]): Promise<BoardView[]> {
    const names = await this.#names();
    const read = await Promise.all(
      names.map((name) =>
        this.#view(name).catch((error: unknown) => {
          errors.push(`board ${name}: ${errorMessage(error)}`);
          return undefined;
        }),
      ),
    );
    const views = read.filter((v): v is BoardView => v !== undefined);
    return views.sort((a, b) => (b.updated_at ?? "").localeCompare(a.updated_at ?? "") || a.name.localeCompare(b.name)).slice(0, MAX_BOARDS);
  }

  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    for (const b of this.#boards.values()) {
      b.watcher?.close();
      void b.store?.then((s) => s.close()).catch(() => undefined);
    }
    this.#boards.clear();
  }

  // The folders of the boards folder; those gone since are forgotten.
  async #names(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    const names = entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name);
    for (const [name, b] of this.#boards) {
      if (names.includes(name)) continue;
      b.watcher?.close();
      this.#boards.delete(name);
    }
    return names;
  }

  async #view(name: string): Promise<BoardView | undefined> {
    const dir = join(this.dir, name);
    const b = this.#opened(name, dir);
    // Opening a folder without options would make them (the defaults) before the board's creator
    // sets its own: a board is read once its options are there.
    if (b.store === undefined) {
      if (!existsSync(join(dir, "options.json"))) return undefined;
      b.store = openLocalBoard(dir);
    }
    const [board, turns, journal] = await Promise.all([(await b.store).read(), this.#turns(b, dir), stat(join(dir, "board.jsonl")).catch(() => undefined)]);
    return boardView(name, board, turns, journal?.mtime);
  }

  #opened(name: string, dir: string): Opened {
    let b = this.#boards.get(name);
    if (b === undefined) {
      b = { store: undefined, turns: undefined, watcher: undefined };
      if (!this.#closed)
        b.watcher = watchOrNone(dir, false, (file) => {
          if (file !== null && BOARD_FILES.has(file)) this.onChange();
        });
      this.#boards.set(name, b);
    }
    return b;
  }

  // The turns file is read again only when its size or time changed.
  async #turns(b: Opened, dir: string): Promise<BoardTurn[]> {
    const s = await stat(join(dir, "turns.jsonl")).catch(() => undefined);
    const stamp = s === undefined ? "" : `${s.size}:${s.mtimeMs}`;
    if (b.turns?.stamp !== stamp) b.turns = { stamp, turns: s === undefined ? [] : await readBoardTurns(dir) };
    return b.turns.turns;
  }
}

// A watch that cannot be made is skipped: the page's timer still looks.
function watchOrNone(dir: string, make: boolean, onChange: (file: string | null) => void): FSWatcher | undefined {
  try {
    if (make) mkdirSync(dir, { recursive: true, mode: 0o700 });
    return watch(dir, { persistent: false }, (_event, file) => {
      onChange(file);
    }).on("error", () => undefined);
  } catch {
    return undefined;
  }
}
