import { Maildir, type Message } from "@subagent-mcp/mailbox";
import { execa } from "execa";
import { existsSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, startWorker } from "./e2e.js";
import { claudeWorkerBeds } from "./worker-bed.js";

// A worker's turns count against spend_caps as a server's do: each is reserved in the state folder's
// spend ledger before it starts, and its line replaces the reservation.
const bed = claudeWorkerBeds();

/** Resolves once `file` holds `text` (the worker appends its turn to it after sending the reply). */
async function holds(file: string, text: string): Promise<void> {
  const has = (): boolean => existsSync(file) && readFileSync(file, "utf8").includes(text);
  if (has()) return;
  await new Promise<void>((resolve) => {
    const watcher = watch(join(file, ".."), () => {
      if (!has()) return;
      watcher.close();
      resolve();
    });
    if (has()) {
      watcher.close();
      resolve();
    }
  });
}

describe("spend_caps with a worker, with the real Claude Code", () => {
  it("the worker's turn is in the spend ledger and usage --caps counts it", { timeout: 120_000 }, async () => {
    const { fake: f, env: e, state, vars, running } = await bed({ spend_caps: { claude: { day_turns: 5 } } });
    const mail = new Maildir(join(state, "subagent-mcp", "mail"));
    const cli = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
    f.script((request, nonce) => (request.lastUserText.includes("a question") ? { kind: "text", text: `${nonce} an answer` } : undefined));
    mail.pending("asker");
    await startWorker(e, vars, ["--name", "counted"], running);
    const sent = (await cli(["send", "counted", "a question", "--from", "asker"])).stdout.trim();
    const only = (m: Message): boolean => m.replyTo === sent;
    while (mail.receive("asker", 1, only).length === 0) await mail.wait("asker", 60_000, undefined, only);
    await holds(join(state, "subagent-mcp", "spend.jsonl"), '"agent":"worker:counted"');
    // Its turn was reserved before it started, and its line replaced the reservation.
    const lines = readFileSync(join(state, "subagent-mcp", "spend.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const turn = lines.find((l) => l.agent === "worker:counted");
    expect(lines.find((l) => l.reserve !== undefined && l.reserve === turn?.reservation)).toMatchObject({ provider: "claude" });

    const caps = JSON.parse((await cli(["usage", "--caps", "--json"])).stdout) as { caps: { cap: string; limit: string; spent: number; left: number }[] };
    expect(caps.caps).toEqual([expect.objectContaining({ cap: "claude", limit: "day_turns", spent: 1, left: 4 })]);
  });
});
