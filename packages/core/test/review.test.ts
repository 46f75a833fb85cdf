import { describe, expect, it } from "vitest";
import type { Receipt } from "@subagent-mcp/contract";
import { Supervisor, type TurnReport, type TurnWitness } from "../src/index.js";
import { parseVerdict, reviewerFor, reviewPrompt } from "../src/review/review-prompt.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";

// A second opinion on a turn that changed files: the reviewer is an agent of another CLI, launched
// through the same supervisor, whose verdict joins the receipt; escalate on review hands a rejected
// first turn to the next candidate with the reasons.

const usage = { input: 100, output: 20, cacheRead: 0, cacheWrite: 0 };

function receipt(files: number): Receipt {
  return {
    ended: { how: "end_turn" },
    tools: { calls: 1, by_kind: { edit: 1 }, failed: 0 },
    commands: [],
    permissions: [],
    files: {
      source: "git",
      changed: files === 0 ? [] : [{ path: "src/a.ts", change: "modified", added: 1, removed: 1 }],
      total: { files, added: files, removed: files },
    },
    tests: { runs: 0, verdict: "none" },
    tokens: { input: 0, output: 0 },
    duration_ms: 1,
  };
}

// Every turn changes one file, except the reviewer's; the diff is a fixed text.
class Witness implements TurnWitness {
  readonly diffs: string[] = [];
  constructor(private readonly reviewers: Set<string>) {}
  begin(): void {}
  see(): void {}
  permission(): void {}
  end(id: string): Promise<Receipt> {
    return Promise.resolve(receipt(this.reviewers.has(id) ? 0 : 1));
  }
  endNow(): Receipt {
    return receipt(0);
  }
  drop(): void {}
  diff(id: string): Promise<string> {
    this.diffs.push(id);
    return Promise.resolve("--- a/src/a.ts\n+++ b/src/a.ts\n-x\n+y\n");
  }
}

function setup() {
  const clock = new FakeClock();
  const claude = new FakeDriver("claude");
  const codex = new FakeDriver("codex");
  const reviewers = new Set<string>();
  const witness = new Witness(reviewers);
  const supervisor = new Supervisor({ drivers: { claude, codex }, clock, witness });
  supervisor.onChange((c) => {
    if (c.type === "launched" && c.request.label?.startsWith("review of") === true) reviewers.add(c.agentId);
  });
  const reports: TurnReport[] = [];
  supervisor.onTurn((r) => reports.push(r));
  return { claude, codex, witness, supervisor, reports };
}

const session = async (driver: FakeDriver, i: number): Promise<FakeSession> => {
  await expect.poll(() => driver.sessions.length).toBeGreaterThan(i);
  return driver.sessions[i] as FakeSession;
};

describe("review", () => {
  it("a turn that changed files is reviewed by another vendor's CLI; its verdict joins the receipt and its cost the author's budget", async () => {
    const { claude, codex, supervisor, reports, witness } = setup();
    const agent = supervisor.launch({ provider: "claude", cwd: "/w", prompt: "fix a", review: {}, budget: { max_tokens: 10_000 } });
    (await session(claude, 0)).finish("Fixed a.", usage);
    // While the review runs the author is still processing, and no report is out.
    const reviewer = await session(codex, 0);
    expect(supervisor.get(agent.id).status).toBe("processing");
    expect(reports.filter((r) => r.agentId === agent.id)).toEqual([]);
    expect(reviewer.spec.permissionMode).toBe("plan");
    expect(reviewer.sent[0]).toContain("fix a");
    expect(reviewer.sent[0]).toContain("+y");
    expect(witness.diffs).toEqual([agent.id]);
    reviewer.finish('Looks wrong.\n{"verdict": "changes_requested", "reasons": ["a is still wrong"]}', usage);
    await expect.poll(() => reports.find((r) => r.agentId === agent.id)).toBeDefined();
    const report = reports.find((r) => r.agentId === agent.id);
    expect(report?.receipt?.review).toMatchObject({ provider: "codex", verdict: "changes_requested", reasons: ["a is still wrong"] });
    await expect.poll(() => supervisor.get(agent.id).status).toBe("finished");
    // The reviewer's 120 tokens are the author's too.
    expect(supervisor.get(agent.id).budget?.spent.tokens).toBe(240);
    await supervisor.shutdown();
  });

  it("escalate on review hands a rejected first turn to the next candidate with the reasons", async () => {
    const { claude, codex, supervisor, reports } = setup();
    const agent = supervisor.launch({
      provider: "claude",
      cwd: "/w",
      prompt: "fix a",
      review: { provider: "codex" },
      escalate: { on: "review", ladder: [{ provider: "codex", model: "big" }], task: "fix a" },
    });
    (await session(claude, 0)).finish("Fixed a.", usage);
    (await session(codex, 0)).finish('{"verdict":"changes_requested","reasons":["the fix is missing a test"]}', usage);
    // The stronger candidate (codex "big") gets the task, the answer and the review's reasons.
    const stronger = await session(codex, 1);
    expect(stronger.spec.model).toBe("big");
    expect(stronger.sent[0]).toContain("the review by codex requested changes: the fix is missing a test");
    stronger.finish("Fixed a, with a test.", usage);
    // Its own turn is reviewed too; approved, it is the answer.
    (await session(codex, 2)).finish('{"verdict": "approve"}', usage);
    await expect.poll(() => reports.find((r) => r.agentId === agent.id && r.superseded === undefined)).toBeDefined();
    const final = reports.find((r) => r.agentId === agent.id && r.superseded === undefined);
    expect(final?.receipt?.review?.verdict).toBe("approve");
    expect(final?.receipt?.attempts?.[0]?.review?.verdict).toBe("changes_requested");
    expect(supervisor.get(agent.id).provider).toBe("codex");
    await supervisor.shutdown();
  });

  it("the reviewer is held to the author's rules: its deny rules, and what they would ask about refused", async () => {
    const { claude, codex, supervisor } = setup();
    supervisor.launch({
      provider: "claude",
      cwd: "/w",
      prompt: "fix a",
      review: { provider: "codex" },
      rules: { deny: ["Read(./.env)"], ask: ["Bash(curl:*)"] },
      permissionPolicy: (request) =>
        request.command?.startsWith("curl") === true
          ? { decision: "ask", rule: "Bash(curl:*)", why: "asks" }
          : { decision: "deny", rule: "Read(./.env)", why: "denied" },
    });
    (await session(claude, 0)).finish("Fixed a.", usage);
    const reviewer = await session(codex, 0);
    expect(reviewer.spec.rules).toEqual({ deny: ["Read(./.env)"] });
    expect(reviewer.spec.askPermissions).toBeUndefined();
    const judge = reviewer.spec.precheck;
    expect(judge?.({ requestId: "1", tool: "Bash", kind: "shell", command: "curl x", input: {} }).decision).toBe("deny");
    expect(judge?.({ requestId: "2", tool: "Read", kind: "read", input: {} })).toMatchObject({ decision: "deny", rule: "Read(./.env)" });
    await supervisor.shutdown();
  });

  it("a turn that changed nothing, or failed, is not reviewed", async () => {
    const { claude, codex, supervisor, reports } = setup();
    const agent = supervisor.launch({ provider: "claude", cwd: "/w", prompt: "fix a", review: { provider: "codex" } });
    const s = await session(claude, 0);
    s.emit({ type: "turn_end", result: "boom", isError: true, usage, durationMs: 1 });
    await expect.poll(() => reports.length).toBe(1);
    expect(reports[0]?.receipt?.review).toBeUndefined();
    expect(codex.sessions).toEqual([]);
    expect(supervisor.get(agent.id).status).toBe("errored");
    await supervisor.shutdown();
  });
});

describe("review's text", () => {
  it("picks a reviewer of another vendor among those installed", () => {
    expect(reviewerFor({}, "claude")).toBe("codex");
    expect(reviewerFor({}, "codex")).toBe("claude");
    expect(reviewerFor({ among: ["claude", "gemini"] }, "claude")).toBe("gemini");
    expect(reviewerFor({ among: ["claude"] }, "claude")).toBeUndefined();
    expect(reviewerFor({ provider: "claude" }, "claude")).toBe("claude");
  });

  it("reads the verdict from the answer's last JSON line, else a verdict line, else undetermined", () => {
    expect(parseVerdict('ok\n{"verdict": "approve"}')).toEqual({ verdict: "approve", reasons: [] });
    expect(parseVerdict('{"verdict":"changes_requested","reasons":["x",3,"y"]}')).toEqual({ verdict: "changes_requested", reasons: ["x", "y"] });
    expect(parseVerdict("Verdict: changes requested")).toEqual({ verdict: "changes_requested", reasons: [] });
    expect(parseVerdict("looks fine to me").verdict).toBe("undetermined");
  });

  it("bounds what it hands over", () => {
    const text = reviewPrompt({
      task: "t".repeat(50_000),
      author: { id: "a", provider: "claude" },
      answer: "done",
      receipt: receipt(1),
      diff: "d".repeat(100_000),
    });
    expect(text.length).toBeLessThan(40_000);
    expect(text).toContain('{"verdict": "approve"}');
  });
});
