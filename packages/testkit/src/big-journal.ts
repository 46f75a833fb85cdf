// A fixture for tests and benches: a past agent with a long journal, written straight to disk the way our writer lays it out: a
// launch entry, then turns of a prompt, tool calls, a result and status changes; cut into rotated files (each opened by the
// launch entry) when asked. Written a few MB at a time, so that even a journal of hundreds of MB is never held whole.
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What {@link writeBigJournal} made. */
export interface BigJournal {
  agentId: string;
  bytes: number;
  turns: number;
  /** Files written (1 unless rotated). */
  files: number;
  /** Each turn's recorded tokens and Claude Code's cost (the same for every turn). */
  perTurn: { input: number; output: number; cost_usd: number };
}

/** How {@link writeBigJournal} lays the journal out. */
interface BigJournalOptions {
  /** Rotate past this many bytes per file (default: one file). */
  fileBytes?: number;
  /** End the newest file with half a line, as a crash leaves it. */
  cutLast?: boolean;
}

const PER_TURN = { input: 1200, output: 300, cost_usd: 0.01 };
const FLUSH_BYTES = 4 * 1024 * 1024;

/**
 * Writes agent `agentId`'s journal of about `bytes` under `agentsDir`, owned by server `ownerPid`
 * (a process that has exited: the agent is past), for project `project`.
 */
export function writeBigJournal(
  agentsDir: string,
  agentId: string,
  project: string,
  ownerPid: number,
  bytes: number,
  options: BigJournalOptions = {},
): BigJournal {
  const dir = join(agentsDir, agentId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const server = { id: "bench-server", pid: ownerPid, started_at: "2026-01-01T00:00:00.000Z" };
  writeFileSync(join(dir, "owner.json"), JSON.stringify(server), { mode: 0o600 });
  const at = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
  const launch = JSON.stringify({
    t: "launch",
    at: at(0),
    agent_id: agentId,
    server,
    project,
    provider: "claude",
    model: "claude-sonnet-4-5",
    cwd: project,
    label: "long",
  });
  const out = new Parts(dir, launch, options.fileBytes ?? Number.POSITIVE_INFINITY);
  out.add(JSON.stringify({ t: "session", at: at(0), session_id: "0b9c3c4e-1111-4222-8333-444455556666", model: "claude-sonnet-4-5" }));
  const result = "All done. ".repeat(800);
  let turn = 0;
  while (out.total < bytes) {
    turn += 1;
    out.add(JSON.stringify({ t: "prompt", at: at(turn), turn, text: `step ${turn}: go on` }));
    out.add(JSON.stringify({ t: "status", at: at(turn), status: "processing", alive: true }));
    for (const k of [1, 2, 3]) out.add(JSON.stringify({ t: "tool", at: at(turn), turn, name: "Bash", summary: `Bash: ls src/part-${k}` }));
    out.add(
      JSON.stringify({
        t: "turn",
        at: at(turn),
        turn,
        result: `${result}(turn ${turn})`,
        is_error: false,
        interrupted: false,
        usage: { input: PER_TURN.input, output: PER_TURN.output, cache_read: 0, cache_write: 0 },
        cost_usd: PER_TURN.cost_usd,
        duration_ms: 900,
      }),
    );
    out.add(JSON.stringify({ t: "status", at: at(turn), status: "idle", alive: true }));
  }
  const files = out.close(options.cutLast === true ? `{"t":"prompt","at":"${at(turn + 1)}","turn":${turn + 1},"text":"cut sh` : "");
  return { agentId, bytes: out.total, turns: turn, files, perTurn: PER_TURN };
}

// The journal's files as they are written: part files renamed into journal.N.jsonl ... journal.jsonl at the end.
class Parts {
  total = 0;
  #pending: string[] = [];
  #pendingBytes = 0;
  #fileSize = 0;
  #part = 0;

  constructor(
    private readonly dir: string,
    private readonly launch: string,
    private readonly fileBytes: number,
  ) {
    this.add(launch);
  }

  add(line: string): void {
    const size = Buffer.byteLength(line) + 1;
    if (this.#fileSize > 0 && this.#fileSize + size > this.fileBytes) {
      this.#flush();
      this.#part += 1;
      this.#fileSize = 0;
      this.add(this.launch);
    }
    this.#pending.push(line);
    this.#pendingBytes += size;
    this.#fileSize += size;
    this.total += size;
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flush();
  }

  close(tail: string): number {
    this.#flush();
    if (tail !== "") appendFileSync(this.#path(this.#part), tail, { mode: 0o600 });
    const parts = this.#part + 1;
    for (let i = 0; i < parts; i++) renameSync(this.#path(i), join(this.dir, i === parts - 1 ? "journal.jsonl" : `journal.${parts - 1 - i}.jsonl`));
    return parts;
  }

  #path(part: number): string {
    return join(this.dir, `part-${part}.tmp`);
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    appendFileSync(this.#path(this.#part), `${this.#pending.join("\n")}\n`, { mode: 0o600 });
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}
