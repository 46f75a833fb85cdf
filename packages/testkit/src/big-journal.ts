// A fixture for tests and benches: a past agent with a long journal, written straight to disk the way our writer lays it out: a
// launch entry, then turns of a prompt, tool calls, a result and status changes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What {@link writeBigJournal} made. */
export interface BigJournal {
  agentId: string;
  bytes: number;
  turns: number;
}

/**
 * Writes agent `agentId`'s journal of about `bytes` under `agentsDir`, owned by server `ownerPid`
 * (a process that has exited: the agent is past), for project `project`.
 */
export function writeBigJournal(agentsDir: string, agentId: string, project: string, ownerPid: number, bytes: number): BigJournal {
  const dir = join(agentsDir, agentId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const server = { id: "bench-server", pid: ownerPid, started_at: "2026-01-01T00:00:00.000Z" };
  writeFileSync(join(dir, "owner.json"), JSON.stringify(server), { mode: 0o600 });
  const at = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
  const lines = [
    JSON.stringify({ t: "launch", at: at(0), agent_id: agentId, server, project, provider: "claude", model: "claude-sonnet-4-5", cwd: project, label: "long" }),
    JSON.stringify({ t: "session", at: at(0), session_id: "0b9c3c4e-1111-4222-8333-444455556666", model: "claude-sonnet-4-5" }),
  ];
  const result = "All done. ".repeat(800);
  let size = lines.reduce((n, l) => n + l.length + 1, 0);
  let turn = 0;
  while (size < bytes) {
    turn += 1;
    const turnLines = [
      JSON.stringify({ t: "prompt", at: at(turn), turn, text: `step ${turn}: go on` }),
      JSON.stringify({ t: "status", at: at(turn), status: "processing", alive: true }),
      ...[1, 2, 3].map((k) => JSON.stringify({ t: "tool", at: at(turn), turn, name: "Bash", summary: `Bash: ls src/part-${k}` })),
      JSON.stringify({
        t: "turn",
        at: at(turn),
        turn,
        result: `${result}(turn ${turn})`,
        is_error: false,
        interrupted: false,
        usage: { input: 1200, output: 300, cache_read: 0, cache_write: 0 },
        cost_usd: 0.01,
        duration_ms: 900,
      }),
      JSON.stringify({ t: "status", at: at(turn), status: "idle", alive: true }),
    ];
    lines.push(...turnLines);
    size += turnLines.reduce((n, l) => n + l.length + 1, 0);
  }
  const text = `${lines.join("\n")}\n`;
  writeFileSync(join(dir, "journal.jsonl"), text, { mode: 0o600 });
  return { agentId, bytes: Buffer.byteLength(text), turns: turn };
}
