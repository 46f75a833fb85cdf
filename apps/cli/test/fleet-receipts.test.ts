import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import type { Receipt } from "@subagent-mcp/contract";
import type { CliEnvironment } from "@subagent-mcp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { E2E, WaitOut } from "./e2e.js";
import { startFleetBed, type FleetBed } from "./fleet-bed.js";
import { git } from "./git-e2e.js";

// A turn of an agent on a machine of the fleet has its files read there: node b (the built
// `subagent-mcp node`, lending the real Claude Code against a fake on 127.0.0.1) reads git in the
// agent's folder on b and sends the files with the turn's end; orchestrator A's receipt holds them.
const KEY = "fleet-receipts-key-0123456789abcdef";
let bed: FleetBed;
let envB: CliEnvironment;
let a: E2E;

beforeAll(async () => {
  bed = await startFleetBed(KEY);
  const fakes = await bed.fakes("claude");
  envB = await bed.env(fakes);
  await bed.node(envB, "b", { fleet: { roots: [envB.cwd] }, caps: { claude: 2 } });
  a = await bed.orchestrator();
}, 120_000);

afterAll(async () => {
  await bed.close();
});

type Finished = WaitOut["finished"][number] & { receipt?: Receipt };

/** Waits for the agent's next turn, answering allow to what it asks meanwhile. */
async function finished(agent: string): Promise<Finished> {
  for (;;) {
    const out = await a.call<WaitOut & { finished: Finished[] }>("wait", { agent_ids: [agent], timeout_s: 60 });
    for (const ask of out.permission_requests ?? []) await a.call("respond_permission", { agent_id: agent, request_id: ask.request_id, decision: "allow" });
    const turn = out.finished[0];
    if (turn !== undefined) return turn;
    if (!out.still_running.includes(agent)) throw new Error(`nothing more to wait for: ${JSON.stringify(out)}`);
  }
}

function receiptOf(turn: Finished): Receipt {
  if (turn.receipt === undefined) throw new Error(`no receipt: ${JSON.stringify(turn)}`);
  return turn.receipt;
}

describe("receipts of a fleet node's agents", () => {
  it("a turn on b: its files from git on b (NOTE.md added, +1), its tools counted, nothing said to run elsewhere", async () => {
    const repo = join(envB.cwd, "project");
    await git(envB.cwd, "init", "-q", "project");
    writeFileSync(join(repo, "README.md"), "hello\n");
    await git(repo, "add", "-A");
    await git(repo, "commit", "-qm", "init");
    const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: repo,
      prompt: '[[edit:NOTE.md|one\n]] [[shell:node -e "process.exit(0)"]] [[say:Done.]]',
      permissions: { allow: ["Bash", "Write", "Edit"] },
    });
    const receipt = receiptOf(await finished(agent_id));
    expect(receipt.files).toEqual({
      source: "git",
      changed: [{ path: "NOTE.md", change: "added", added: 1, removed: 0 }],
      total: { files: 1, added: 1, removed: 0 },
    });
    expect(receipt.tools.calls).toBe(2);
    expect(receipt.tools.by_kind).toMatchObject({ edit: 1, shell: 1 });
    expect(receipt.commands).toEqual([expect.objectContaining({ command: 'node -e "process.exit(0)"', exit_code: 0 })]);
    expect(JSON.stringify(receipt.undetermined ?? [])).not.toContain("runs on");

    // A turn that changes nothing: none changed, from git on b.
    await a.call("send_message", { agent_id, message: "[[say:Nothing to do.]]" });
    const quiet = receiptOf(await finished(agent_id));
    expect(quiet.files).toMatchObject({ source: "git", changed: [], total: { files: 0 } });
    await a.call("kill_agent", { agent_id });
  });

  it("a folder on b that is not a repository: b's reason is the receipt's, with the files the edit tools named", async () => {
    const plain = join(envB.cwd, "plain");
    mkdirSync(plain, { recursive: true });
    const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: plain,
      prompt: "[[edit:NOTE.md|one\n]] [[say:Done.]]",
      permissions: { allow: ["Bash", "Write", "Edit"] },
    });
    const receipt = receiptOf(await finished(agent_id));
    expect(receipt.files.source).toBe("tools");
    expect(receipt.files.changed).toEqual([expect.objectContaining({ path: expect.stringContaining("NOTE.md") as string, change: "written" })]);
    expect(receipt.undetermined).toEqual([expect.stringContaining("files from git: not a git repository")]);
    await a.call("kill_agent", { agent_id });
  });
});
