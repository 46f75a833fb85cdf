import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Receipt } from "@subagent-mcp/contract";
import { WorkerFiles } from "@subagent-mcp/worker";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { bin, startWorker } from "./e2e.js";
import { git } from "./git-e2e.js";
import { until } from "./past-e2e.js";
import { claudeWorkerBeds } from "./worker-bed.js";

// Each turn of an always-on worker has a receipt, as a launched agent's has: from its CLI's tool
// events and git in its folder. It is kept in the worker's turn log and comes with its reply, which
// `send --wait` shows beside the answer (and in its JSON).
const bed = claudeWorkerBeds();

describe("a worker's turn receipts, with the real Claude Code", () => {
  it("an edit in a git repository: the receipt is in the turn log and in what `send --wait` returns", { timeout: 180_000 }, async () => {
    const { env: e, state, vars, running } = await bed({});
    await git(e.cwd, "init", "-q");
    writeFileSync(join(e.cwd, "README.md"), "hello\n");
    await git(e.cwd, "add", "-A");
    await git(e.cwd, "commit", "-qm", "init");
    await startWorker(e, vars, ["--name", "scribe", "--allowed-tools", "Write,Edit,Bash", "--permission-mode", "acceptEdits"], running);
    const send = (text: string, ...more: string[]) =>
      execa(process.execPath, [bin, "send", "scribe", text, "--wait", "--timeout", "120", ...more], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });

    // The text form: the answer alone on stdout, the receipt's line beside it.
    const asked = await send('[[edit:NOTE.md|one\n]] [[shell:node -e "process.exit(0)"]] [[say:Done.]]');
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect(asked.stdout).toBe("Done.");
    expect(asked.stderr).toContain("receipt: 2 tool calls, 1 file changed (+1 -0)");

    // The turn log holds the same receipt (written once the reply went out).
    const files = new WorkerFiles(join(state, "subagent-mcp", "workers", "scribe"));
    const logged = async (n: number): Promise<Receipt | undefined> => {
      await until(`turn ${String(n)} in the log`, () => files.turns().length >= n, 30_000);
      return files.turns()[n - 1]?.receipt;
    };
    const receipt = (await logged(1)) as Receipt;
    expect(receipt.files).toEqual({
      source: "git",
      changed: [{ path: "NOTE.md", change: "added", added: 1, removed: 0 }],
      total: { files: 1, added: 1, removed: 0 },
    });
    expect(receipt.tools).toMatchObject({ calls: 2, by_kind: { edit: 1, shell: 1 } });
    expect(receipt.commands).toEqual([expect.objectContaining({ command: 'node -e "process.exit(0)"', exit_code: 0 })]);

    // The JSON form: the reply with its receipt; a bare claim with nothing done is suspect.
    const claimed = await send("[[say:Done, all tests pass.]]", "--json");
    expect(claimed.exitCode, claimed.stderr).toBe(0);
    const out = JSON.parse(claimed.stdout) as { body: string; receipt?: Receipt };
    expect(out.body).toBe("Done, all tests pass.");
    expect(out.receipt?.tools.calls).toBe(0);
    expect(out.receipt?.suspect?.map((s) => s.reason)).toContain("no_tool_calls");
    expect(await logged(2)).toEqual(out.receipt);
  });
});
