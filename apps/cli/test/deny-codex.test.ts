import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, waitFor, type E2E } from "./e2e.js";

// Deny rules hold on Codex: it asks about commands as `/bin/bash -lc '…'`, which the rules read
// through (Codex 0.169 under approval "untrusted" asks about every command, read-only ones too);
// MCP tools, which it runs without asking, are disabled for the thread when a rule names them.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const SECRET = "SECRET=fig-5521";

function audit(s: E2E): { decision: string; by: string; rule?: string; request: string }[] {
  const path = join(s.env.home, ".local", "state", "subagent-mcp", "permissions.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { decision: string; by: string; rule?: string; request: string });
}

describe("deny rules on Codex, through the built CLI", () => {
  it("allow Bash, deny Bash(rm:*): rm is refused though Codex wraps it in bash -lc", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, "victim.txt"), "keep me");
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "codex",
      model: "gpt-5.5",
      prompt: "[[shell:rm victim.txt]]",
      permissions: { allow: ["Bash"], deny: ["Bash(rm:*)"] },
    });
    await waitFor(s, agent_id, (out) => {
      expect(out.permission_requests).toBeUndefined();
      return out.finished[0];
    });
    expect(existsSync(join(s.env.cwd, "victim.txt"))).toBe(true);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Bash(rm:*)" }));
  });

  it("an allow rule covers the command inside Codex's bash -lc", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "codex",
      model: "gpt-5.5",
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
      provider: "codex",
      model: "gpt-5.5",
      prompt: "[[shell:cat ./.env]]",
      permissions: { deny: ["Bash(cat:*)"] },
    });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Bash(cat:*)" }));
    expect(s.fakes.codex.requests.some((r) => JSON.stringify(r.messages).includes(SECRET))).toBe(false);
  });

  it("deny Read(./.env): cat .env never reaches the model", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, ".env"), SECRET);
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "codex",
      model: "gpt-5.5",
      prompt: "[[shell:cat .env]]",
      permissions: { deny: ["Read(./.env)"] },
    });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Read(./.env)" }));
    expect(s.fakes.codex.requests.some((r) => JSON.stringify(r.messages).includes(SECRET))).toBe(false);
  });

  it("deny mcp__mailbox__send_to: Codex, which runs MCP tools without asking, never gets the tool", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const send = `[[tool:mcp__mailbox__send_to|${JSON.stringify({ to: "orchestrator", message: "leak-quartz-19" })}]]`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "codex",
      model: "gpt-5.5",
      prompt: send,
      permissions: { deny: ["mcp__mailbox__send_to"] },
    });
    const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(false);
    const inbox = await s.call<{ messages: { body: string }[] }>("inbox");
    expect(inbox.messages.map((m) => m.body)).not.toContain("leak-quartz-19");
  });
});
