import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa, execaSync } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import type { Receipt } from "@subagent-mcp/contract";
import { bin, startE2E, type E2E } from "./e2e.js";

// A second opinion through the built server and the real CLIs against the fakes: Codex reviews a
// Claude Code turn that changed a file, asks for changes, and the task escalates to the next
// candidate with the reviewer's reasons; that candidate's turn is reviewed and approved.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

function repo(cwd: string): void {
  mkdirSync(join(cwd, "src"), { recursive: true });
  writeFileSync(join(cwd, "src", "add.js"), "export const add = (a, b) => a - b;\n");
  for (const args of [
    ["init", "-q"],
    ["add", "-A"],
    ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init"],
  ])
    execaSync("git", args, { cwd });
}

interface Finished {
  agent_id: string;
  turn: number;
  result: string;
  receipt?: Receipt;
}

describe("review", () => {
  it("Codex reviews a Claude Code turn, requests changes, and the task escalates with its reasons; the next turn is approved", async () => {
    const table = { coding: { cost_efficiency: [{ provider: "claude", model: "haiku" }], performance: [{ provider: "codex", model: "gpt-5.5" }] } };
    const s = (e = await startE2E({}, (env) => {
      repo(env.cwd);
      const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "config.json"), JSON.stringify({ routing: { table } }));
    }));
    // The reviewer (Codex's fake) asks for changes the first time and approves the second.
    const reviews: string[] = [];
    s.fakes.codex.script((request) => {
      if (!request.lastUserText.startsWith("You are reviewing")) return undefined;
      reviews.push(request.lastUserText);
      const verdict =
        reviews.length === 1 ? { verdict: "changes_requested", reasons: ["add() still subtracts in one branch", "no test covers it"] } : { verdict: "approve" };
      return { kind: "text", text: `Reviewed.\n${JSON.stringify(verdict)}` };
    });
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      task_category: "coding",
      prompt: "Fix add() so it adds. [[edit:src/add.js|export const add = (a, b) => a + b;\n]] [[say:Fixed add().]]",
      permissions: { allow: ["Write", "Edit"] },
      review: { provider: "codex", model: "gpt-5.5" },
      escalate: { on: "review" },
    });
    const answer = await s.client.callTool({ name: "wait", arguments: { agent_ids: [agent_id], timeout_s: 240 } });
    const finished = (answer.structuredContent as { finished: Finished[] }).finished[0];
    const receipt = finished?.receipt;
    // The answer is the stronger candidate's; the first attempt's receipt keeps the rejection. (The
    // stronger one wrote what was already there: its turn changed nothing, so it was not reviewed.)
    expect(receipt?.attempts?.[0]).toMatchObject({
      provider: "claude",
      files: { source: "git", changed: [expect.objectContaining({ path: "src/add.js", change: "modified" })] },
      review: { provider: "codex", model: "gpt-5.5", verdict: "changes_requested", reasons: ["add() still subtracts in one branch", "no test covers it"] },
    });
    expect(receipt?.review).toBeUndefined();
    // The reviewer read the task, the receipt and the diff; the stronger candidate was handed the reasons.
    expect(reviews[0]).toContain("Fix add() so it adds.");
    expect(reviews[0]).toContain('"path":"src/add.js"');
    expect(reviews[0]).toContain("+export const add = (a, b) => a + b;");
    const handed = s.fakes.codex.requests.map((r) => r.lastUserText).find((t) => t.includes("An earlier attempt at this task"));
    expect(handed).toContain("the review by codex requested changes: add() still subtracts in one branch; no test covers it");
    const poll = await s.call<{ provider: string; failover?: { kind?: string; reason: string }[] }>("poll_agent", { agent_id });
    expect(poll.provider).toBe("codex");
    expect(poll.failover?.[0]).toMatchObject({ kind: "escalation", reason: expect.stringContaining("the review by codex requested changes") as unknown });
    // Its next turn changes a file: reviewed again, and approved; wait's text says so.
    await s.call("send_message", {
      agent_id,
      message: "Add a test. [[edit:test/add.test.js|import { add } from '../src/add.js';\n]] [[say:Added a test.]]",
    });
    const next = await s.client.callTool({ name: "wait", arguments: { agent_ids: [agent_id], timeout_s: 240 } });
    const second = (next.structuredContent as { finished: Finished[] }).finished[0];
    expect(second?.receipt?.review).toMatchObject({ provider: "codex", verdict: "approve", reasons: [] });
    expect((next.content as { text: string }[]).map((c) => c.text).join("\n")).toContain("review by codex: approve");
    expect(reviews[1]).toContain("Add a test.");
    // The reviewers ran read-only and are gone; their turns are not the orchestrator's to wait for.
    const listed = await s.call<{ agents: { agent_id: string; label?: string; alive: boolean }[] }>("list_agents", {});
    const reviewers = listed.agents.filter((a) => a.label?.startsWith("review of") === true);
    expect(reviewers.length).toBe(2);
    expect(reviewers.every((a) => !a.alive)).toBe(true);
  });

  it("a routing entry's review applies to its category's launches, and a pool definition's to its tasks", { timeout: 240_000 }, async () => {
    const coding = { cost_efficiency: [{ provider: "claude", model: "haiku" }], performance: [{ provider: "claude", model: "haiku" }] };
    const s = (e = await startE2E({}, (env) => {
      repo(env.cwd);
      const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "config.json"),
        JSON.stringify({ routing: { table: { coding: { ...coding, review: { provider: "codex", model: "gpt-5.5" } } } } }),
      );
      mkdirSync(join(env.cwd, ".subagent-mcp", "agents"), { recursive: true });
      writeFileSync(
        join(env.cwd, ".subagent-mcp", "agents", "writer.md"),
        "---\nname: writer\ndescription: Writes.\nprovider: claude\nallowed_tools: [Write, Edit]\nreview:\n  provider: codex\n  model: gpt-5.5\n---\nYou write what you are asked.\n",
      );
    }));
    const reviews: string[] = [];
    s.fakes.codex.script((request) => {
      if (!request.lastUserText.startsWith("You are reviewing")) return undefined;
      reviews.push(request.lastUserText);
      return { kind: "text", text: '{"verdict": "changes_requested", "reasons": ["name the constant"]}' };
    });
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      task_category: "coding",
      prompt: "Write the note. [[edit:NOTE.md|one\n]] [[say:Wrote it.]]",
      permissions: { allow: ["Write"] },
    });
    const answer = await s.client.callTool({ name: "wait", arguments: { agent_ids: [agent_id], timeout_s: 120 } });
    const finished = (answer.structuredContent as { finished: Finished[] }).finished[0];
    // Not escalating: the verdict is advice, in the receipt and the text.
    expect(finished?.receipt?.review).toMatchObject({ provider: "codex", verdict: "changes_requested", reasons: ["name the constant"] });
    expect((answer.content as { text: string }[]).map((c) => c.text).join("\n")).toContain("review by codex: changes_requested (name the constant)");

    // A project's definition that allows writing runs once the user trusts the project.
    await execa(process.execPath, [bin, "trust", "--root", s.env.cwd], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
    const invoked = await s.call<{ status: string; receipt?: Receipt }>("invoke", {
      agent: "writer",
      task: "Write the other note. [[edit:OTHER.md|two\n]] [[say:Wrote the other.]]",
      timeout_s: 120,
    });
    expect(invoked.status).toBe("done");
    expect(invoked.receipt?.review).toMatchObject({ provider: "codex", verdict: "changes_requested" });
    expect(reviews.length).toBe(2);
    expect(reviews[1]).toContain("OTHER.md");
  });

  it("review is refused with machine, and escalate on review needs a review", async () => {
    const s = (e = await startE2E());
    await expect(s.call("launch_agent", { provider: "claude", prompt: "x", machine: "m1", review: {} })).rejects.toThrow(/review is not offered with machine/);
    await expect(s.call("launch_agent", { provider: "claude", prompt: "x", escalate: { on: "review" } })).rejects.toThrow(
      /escalate on .{0,4}review.{0,4} needs review/,
    );
  });
});
