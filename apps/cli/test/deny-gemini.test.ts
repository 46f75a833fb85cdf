import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, waitFor, type E2E } from "./e2e.js";

// Deny rules hold on Gemini CLI whatever it would do on its own: commands it was told to allow,
// files it reads without asking, MCP tools.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const SECRET = "SECRET=lime-3390";

function audit(s: E2E): { decision: string; by: string; rule?: string; request: string }[] {
  const path = join(s.env.home, ".local", "state", "subagent-mcp", "permissions.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { decision: string; by: string; rule?: string; request: string });
}

describe("deny rules on Gemini CLI, through the built CLI", () => {
  it("allow Bash, deny Bash(rm:*): rm behind quotes and sh -c is refused", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, "victim.txt"), "keep me");
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "gemini",
      prompt: `[[shell:sh -c '"r"m victim.txt']]`,
      permissions: { allow: ["Bash"], deny: ["Bash(rm:*)"] },
    });
    await waitFor(s, agent_id, (out) => {
      expect(out.permission_requests).toBeUndefined();
      return out.finished[0];
    });
    expect(existsSync(join(s.env.cwd, "victim.txt"))).toBe(true);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Bash(rm:*)" }));
  });

  it("an allow rule answers a command at once", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "gemini",
      prompt: "[[shell:touch made-by-rule.txt]]",
      permissions: { allow: ["Bash(touch made-by-rule.txt)"] },
    });
    await waitFor(s, agent_id, (out) => {
      expect(out.permission_requests).toBeUndefined();
      return out.finished[0];
    });
    expect(existsSync(join(s.env.cwd, "made-by-rule.txt"))).toBe(true);
  });

  it("deny Bash(cat:*): cat ./.env never reaches the model", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, ".env"), SECRET);
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "gemini",
      prompt: "[[shell:cat ./.env]]",
      permissions: { deny: ["Bash(cat:*)"] },
    });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Bash(cat:*)" }));
    expect(s.fakes.gemini.requests.some((r) => JSON.stringify(r.messages).includes(SECRET))).toBe(false);
  });

  it("deny Read(./.env): cat .env never reaches the model", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, ".env"), SECRET);
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "gemini",
      prompt: "[[shell:cat .env]]",
      permissions: { deny: ["Read(./.env)"] },
    });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Read(./.env)" }));
    expect(s.fakes.gemini.requests.some((r) => JSON.stringify(r.messages).includes(SECRET))).toBe(false);
  });

  it("deny mcp__mailbox__send_to: the MCP tool call is refused", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const send = `[[tool:mcp__mailbox__send_to|${JSON.stringify({ to: "orchestrator", message: "leak-quartz-19" })}]]`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "gemini",
      prompt: send,
      permissions: { deny: ["mcp__mailbox__send_to"] },
    });
    const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(false);
    const inbox = await s.call<{ messages: { body: string }[] }>("inbox");
    expect(inbox.messages.map((m) => m.body)).not.toContain("leak-quartz-19");
  });

  it("allowed_tools Bash with deny Bash(cat:*): cat ./.env never reaches the model", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, ".env"), SECRET);
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "gemini",
      prompt: "[[shell:cat ./.env]]",
      allowed_tools: ["Bash"],
      permissions: { deny: ["Bash(cat:*)"] },
    });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(s.fakes.gemini.requests.some((r) => JSON.stringify(r.messages).includes(SECRET))).toBe(false);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Bash(cat:*)" }));
  });

  // Gemini CLI keeps .env from read_file on its own: the rule guards an ordinary file here.
  it("deny Read(./notes.txt): read_file, which Gemini CLI runs without asking, never reads it", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, "notes.txt"), SECRET);
    const prompt = `[[tool:read_file|${JSON.stringify({ file_path: "notes.txt" })}]]`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "gemini", prompt, permissions: { deny: ["Read(./notes.txt)"] } });
    await waitFor(s, agent_id, (out) => {
      expect(out.permission_requests).toBeUndefined();
      return out.finished[0];
    });
    expect(s.fakes.gemini.requests.some((r) => JSON.stringify(r.messages).includes(SECRET))).toBe(false);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Read(./notes.txt)" }));
  });
});
