import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, waitFor, type E2E } from "./e2e.js";

// Deny rules hold on Claude Code whatever it would do on its own: a read inside its cwd it would
// allow without asking, a command allowed by `allowed_tools`, a link that leads out of the cwd.

let e: E2E | undefined;
const extra: string[] = [];
afterEach(async () => {
  await e?.close();
  e = undefined;
  for (const dir of extra.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SECRET = "SECRET=plum-8812";

function audit(s: E2E): { decision: string; by: string; rule?: string; request: string }[] {
  const path = join(s.env.home, ".local", "state", "subagent-mcp", "permissions.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { decision: string; by: string; rule?: string; request: string });
}

const sawSecret = (s: E2E, secret = SECRET): boolean => s.fakes.claude.requests.some((r) => JSON.stringify(r.messages).includes(secret));

describe("deny rules on Claude Code, through the built CLI", () => {
  it("Read(./.env) refuses a read Claude would allow on its own; the content never reaches the model", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, ".env"), SECRET);
    const prompt = `[[tool:Read|${JSON.stringify({ file_path: join(s.env.cwd, ".env") })}]]`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt, permissions: { deny: ["Read(./.env)"] } });
    const turn = await waitFor(s, agent_id, (out) => {
      expect(out.permission_requests).toBeUndefined();
      return out.finished[0];
    });
    expect(turn.agent_id).toBe(agent_id);
    expect(sawSecret(s)).toBe(false);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Read(./.env)" }));
  });

  it("allowed_tools Bash with deny Bash(cat:*): cat ./.env is refused", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, ".env"), SECRET);
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "[[shell:cat ./.env]]",
      allowed_tools: ["Bash"],
      permissions: { deny: ["Bash(cat:*)"] },
    });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(sawSecret(s)).toBe(false);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", rule: "Bash(cat:*)" }));
  });

  it("allow Bash, deny Bash(rm:*): quoting and wrappers do not get round it", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    writeFileSync(join(s.env.cwd, "victim.txt"), "keep me");
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: `[[shell:sh -c '"r"m victim.txt']]`,
      permissions: { allow: ["Bash"], deny: ["Bash(rm:*)"] },
    });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(existsSync(join(s.env.cwd, "victim.txt"))).toBe(true);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", rule: "Bash(rm:*)" }));
  });

  it("a link inside the cwd to a file outside it is not read unasked", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const outside = mkdtempSync(join(tmpdir(), "e2e-outside-"));
    extra.push(outside);
    writeFileSync(join(outside, "id_rsa"), "KEY-walnut-3301");
    mkdirSync(join(s.env.cwd, "docs"));
    symlinkSync(join(outside, "id_rsa"), join(s.env.cwd, "docs", "id_rsa"));
    const prompt = `[[tool:Read|${JSON.stringify({ file_path: join(s.env.cwd, "docs", "id_rsa") })}]]`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt });
    const asked = await waitFor(s, agent_id, (out) => out.permission_requests?.[0] ?? (out.finished[0] === undefined ? undefined : null));
    if (asked !== null) {
      expect(asked.summary).toContain("id_rsa");
      expect(sawSecret(s, "KEY-walnut-3301")).toBe(false);
      await s.call("respond_permission", { agent_id, request_id: asked.request_id, decision: "deny" });
      await waitFor(s, agent_id, (out) => out.finished[0]);
    }
    expect(sawSecret(s, "KEY-walnut-3301")).toBe(false);
  });
});
