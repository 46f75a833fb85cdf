import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir, writeAtomic } from "@subagent-mcp/state";
import { AgentWorktree, WorktreeRecordSchema } from "@subagent-mcp/worktrees";
import { z } from "zod";
import type { AgentEvent, Driver } from "@subagent-mcp/core";
import { RemoteSpecSchema, type Report } from "../protocol/protocol.js";

/** What a node keeps of each agent it runs, to take it back after a crash: enough to resume its conversation. */
export const HostedRecordSchema = z.object({
  agent: z.string(),
  owner: z.string(),
  provider: z.string(),
  spec: RemoteSpecSchema,
  /** Its orchestrator's own id of it, when the launch named one. */
  id: z.string().optional(),
  outlive: z.boolean(),
  /** The CLI's conversation, once it started one. */
  sessionId: z.string().optional(),
  /** A turn was under way (sent and not ended): its answer is what a crash loses. */
  busy: z.boolean(),
  worktree: WorktreeRecordSchema.optional(),
});
export type HostedRecord = z.infer<typeof HostedRecordSchema>;

/**
 * The node's own journal: one small private file per live agent (written atomically, without a
 * disk flush on each turn), removed when the agent ends. What is left at start is what a crash or
 * a SIGKILL cut off.
 */
export class NodeJournal {
  constructor(private readonly dir: string) {
    ensurePrivateDir(dir);
  }

  write(record: HostedRecord): void {
    writeAtomic(this.#file(record.agent), JSON.stringify(record), { mode: 0o600, durable: false });
  }

  remove(agent: string): void {
    rmSync(this.#file(agent), { force: true });
  }

  /** The agents a previous run left; a file that does not parse is dropped (nothing could resume it). */
  leftovers(): HostedRecord[] {
    const out: HostedRecord[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(".json")) continue;
      const path = join(this.dir, name);
      try {
        out.push(HostedRecordSchema.parse(JSON.parse(readFileSync(path, "utf8"))));
      } catch {
        rmSync(path, { force: true });
      }
    }
    return out;
  }

  #file(agent: string): string {
    // Agent ids are ours ("r-" and a UUID), but a path never takes a separator from the wire.
    return join(this.dir, `${agent.replace(/[^\w.-]/g, "_")}.json`);
  }
}

/**
 * Takes back the agents a crash of a previous run cut off: each conversation is resumed in a new
 * process (in its worktree, if it had one); a turn that was under way is lost, and its orchestrator
 * gets that turn's end as an error saying so. One that cannot be resumed (its CLI is no longer
 * lent, it had no conversation yet) ends there with the reason.
 */
export function restoreLeftovers(ctx: {
  journal: NodeJournal;
  name: string;
  providers: Record<string, { driver: Driver }>;
  report: (owner: string, body: Report) => void;
  host: (record: HostedRecord, driver: Driver, worktree: () => Promise<AgentWorktree | undefined>) => void;
  log: (line: string) => void;
}): void {
  const { journal, name, report, log } = ctx;
  for (const record of journal.leftovers()) {
    const { agent, owner } = record;
    const tell = (event: AgentEvent): void => {
      report(owner, { kind: "event", agent, node: name, event });
    };
    const driver = ctx.providers[record.provider]?.driver;
    if (driver === undefined || record.sessionId === undefined) {
      const why = driver === undefined ? `it no longer runs ${record.provider}` : "it had not started a conversation yet";
      journal.remove(agent);
      tell({ type: "error", message: `machine "${name}" restarted and cannot resume the agent: ${why}`, transient: false });
      tell({ type: "exit", code: null, signal: null });
      log(`${agent}: not resumed (${why})`);
      continue;
    }
    const tree = record.worktree;
    ctx.host({ ...record, busy: false }, driver, () => Promise.resolve(tree === undefined ? undefined : AgentWorktree.of(tree)));
    if (record.busy) {
      const message = `machine "${name}" restarted during this turn: the agent's conversation is resumed from what its CLI had saved, but this turn's answer is lost; send it again`;
      tell({ type: "error", message, transient: false });
      tell({ type: "turn_end", result: message, isError: true, usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, durationMs: 0 });
    }
  }
}
