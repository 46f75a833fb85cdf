import { mkdirSync, writeFileSync } from "node:fs";
import { descendants } from "@subagent-mcp/drivers";
import { processAlive } from "@subagent-mcp/state";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";

interface Launched {
  agent_id: string;
  status: string;
}
interface WaitOut {
  finished: { agent_id: string; result: string; is_error: boolean }[];
  still_running: string[];
  timed_out: boolean;
}

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("subagent-mcp over stdio with the real CLIs", () => {
  it("runs Claude, Codex and Gemini sub-agents in parallel and collects every result", async () => {
    const s = (e = await startE2E());
    const providers = ["claude", "codex", "gemini"] as const;
    const launched = await Promise.all(providers.map((provider) => s.call<Launched>("launch_agent", { provider, prompt: `e2e ${provider}` })));
    const done = await s.call<WaitOut>("wait", { agent_ids: launched.map((l) => l.agent_id), mode: "all", timeout_s: 90 });
    expect(done.timed_out).toBe(false);
    for (const [i, provider] of providers.entries()) {
      const f = done.finished.find((x) => x.agent_id === launched[i]?.agent_id);
      expect(f?.result).toContain(s.fakes[provider].nonce);
    }
  });

  it("ends every sub-agent process tree when the client goes away", async () => {
    const s = (e = await startE2E());
    await Promise.all(["claude", "codex", "gemini"].map((provider) => s.call("launch_agent", { provider, prompt: "[[slow:60000]] never done" })));
    await eventually(() => (["claude", "codex", "gemini"] as const).every((p) => s.fakes[p].requests.some((r) => r.reply === "slow")), 30_000);
    const serverPid = s.transport.pid as number;
    const tree = descendants(serverPid);
    expect(tree.length).toBeGreaterThanOrEqual(3);
    await s.client.close();
    // The server exits within a second of its stdin closing, and takes every CLI with it.
    expect(await eventually(() => !processAlive({ pid: serverPid }), 1_500)).toBe(true);
    expect(await eventually(() => tree.every((p) => !processAlive({ pid: p })), 1_000)).toBe(true);
  });

  it("ends every sub-agent process tree on SIGTERM", async () => {
    const s = (e = await startE2E());
    await s.call("launch_agent", { provider: "codex", prompt: "[[slow:60000]] busy" });
    await eventually(() => s.fakes.codex.requests.some((r) => r.reply === "slow"), 30_000);
    const serverPid = s.transport.pid as number;
    const tree = descendants(serverPid);
    expect(tree.length).toBeGreaterThanOrEqual(1);
    process.kill(serverPid, "SIGTERM");
    expect(await eventually(() => !processAlive({ pid: serverPid }), 1_500)).toBe(true);
    expect(await eventually(() => tree.every((p) => !processAlive({ pid: p })), 1_000)).toBe(true);
  });

  it("answers bad input and unknown ids with clear tool errors", async () => {
    const s = (e = await startE2E());
    const bad = await s.client.callTool({ name: "launch_agent", arguments: { prompt: "x", provider: "nope" } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/provider/);
    const unknown = await s.client.callTool({ name: "kill_agent", arguments: { agent_id: "zzz" } });
    expect((unknown.content as { text: string }[])[0]?.text).toMatch(/no agent with id "zzz"/);
  });

  it("queues launches above the cap set in the environment", async () => {
    const s = (e = await startE2E({ SUBAGENT_MCP_CAP_CODEX: "1" }));
    const a = await s.call<Launched>("launch_agent", { provider: "codex", prompt: "[[slow:800]] one" });
    const b = await s.call<Launched & { queue_position?: number }>("launch_agent", { provider: "codex", prompt: "two" });
    expect(a.status).toBe("processing");
    expect(b).toMatchObject({ status: "queued", queue_position: 1 });
    const all = await s.call<WaitOut>("wait", { agent_ids: [a.agent_id, b.agent_id], mode: "all", timeout_s: 60 });
    expect(all.finished).toHaveLength(2);
  });

  it("runs named agents from .claude/agents warm in the pool", async () => {
    const s = (e = await startE2E());
    mkdirSync(join(s.env.cwd, ".claude", "agents"), { recursive: true });
    mkdirSync(join(s.env.cwd, ".subagent-mcp", "expertise"), { recursive: true });
    writeFileSync(
      join(s.env.cwd, ".claude", "agents", "scribe.md"),
      "---\nname: scribe\nprovider: codex\nexpertise: [style]\ncolor: green\n---\nYou are the scribe.\n",
    );
    writeFileSync(join(s.env.cwd, ".subagent-mcp", "expertise", "style.md"), "Write short sentences.\n");
    const listed = await s.call<{ agents: { agent: string; provider: string }[]; problems: string[] }>("list_pool");
    expect(listed.agents).toEqual([expect.objectContaining({ agent: "scribe", provider: "codex" })]);
    expect(listed.problems.join("\n")).toMatch(/"color" is not used/);
    const first = await s.call<{ status: string; result: string; agent_id: string }>("invoke", { agent: "scribe", task: "note the word quince" });
    expect(first.result).toContain(s.fakes.codex.nonce);
    const second = await s.call<{ result: string; agent_id: string }>("invoke", { agent: "scribe", task: "[[history]]" });
    expect(second.agent_id).toBe(first.agent_id);
    expect(second.result).not.toContain("quince");
    const sent = s.fakes.codex.requests.find((r) => r.lastUserText.includes("quince"));
    expect(sent?.messages.some((m) => m.text.includes("You are the scribe.") && m.text.includes("Write short sentences."))).toBe(true);
  });
});
