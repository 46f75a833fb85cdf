import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, waitFor, type E2E } from "./e2e.js";

// Permission requests end to end: the built server on stdio, the real Claude Code behind it.
let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

describe("permission requests through the built CLI", () => {
  it("ask -> wait shows it -> respond_permission allow -> the file exists", async () => {
    const s = (e = await startE2E());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch e2e-allowed.txt]]" });
    const ask = await waitFor(s, agent_id, (out) => out.permission_requests?.[0]);
    expect(ask).toMatchObject({ agent_id, kind: "shell" });
    expect(ask.summary).toContain("touch e2e-allowed.txt");
    expect(existsSync(join(s.env.cwd, "e2e-allowed.txt"))).toBe(false);
    await s.call("respond_permission", { agent_id, request_id: ask.request_id, decision: "allow" });
    const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(false);
    expect(existsSync(join(s.env.cwd, "e2e-allowed.txt"))).toBe(true);
  });

  it("a request nobody answers is denied after SUBAGENT_MCP_PERMISSION_TIMEOUT_S, and the model is told why", async () => {
    const s = (e = await startE2E({ SUBAGENT_MCP_PERMISSION_TIMEOUT_S: "1" }));
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch e2e-timed-out.txt]]" });
    await waitFor(s, agent_id, (out) => out.permission_requests?.[0]);
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(existsSync(join(s.env.cwd, "e2e-timed-out.txt"))).toBe(false);
    expect(s.fakes.claude.requests.some((r) => JSON.stringify(r.messages).includes("permission_timeout_s"))).toBe(true);
  });

  it("rules from the user's config and a definition's frontmatter reach the server: a config deny refuses at once; a definition's ask parks a pool task over the config's allow", async () => {
    const dir = mkdtempSync(join(tmpdir(), "e2e-rules-"));
    mkdirSync(join(dir, "config", "subagent-mcp"), { recursive: true });
    mkdirSync(join(dir, "agents"));
    const pooled = "Bash(touch e2e-pooled.txt)";
    writeFileSync(
      join(dir, "config", "subagent-mcp", "config.json"),
      JSON.stringify({ permissions: { deny: ["Bash(touch e2e-denied.txt)"], allow: [pooled] } }),
    );
    writeFileSync(join(dir, "agents", "asker.md"), `---\nname: asker\npermissions:\n  ask: ["${pooled}"]\n---\nYou run what you are asked to.\n`);
    const s = (e = await startE2E({ XDG_CONFIG_HOME: join(dir, "config"), SUBAGENT_MCP_AGENTS_PATH: join(dir, "agents") }));
    const denied = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch e2e-denied.txt]]" });
    const turn = await waitFor(s, denied.agent_id, (out) => {
      expect(out.permission_requests).toBeUndefined();
      return out.finished[0];
    });
    expect(turn.agent_id).toBe(denied.agent_id);
    expect(existsSync(join(s.env.cwd, "e2e-denied.txt"))).toBe(false);

    const invoked = await s.call<{ status: string; agent_id: string; permission_requests?: { request_id: string; summary: string }[] }>("invoke", {
      agent: "asker",
      task: "[[shell:touch e2e-pooled.txt]]",
      timeout_s: 600,
    });
    expect(invoked.status).toBe("running");
    expect(invoked.permission_requests?.[0]?.summary).toContain("touch e2e-pooled.txt");
    await s.call("respond_permission", { agent_id: invoked.agent_id, decision: "allow" });
    const done = await waitFor(s, invoked.agent_id, (out) => out.finished[0]);
    expect(done.is_error).toBe(false);
    expect(existsSync(join(s.env.cwd, "e2e-pooled.txt"))).toBe(true);
  });
});
