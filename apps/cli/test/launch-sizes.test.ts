import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";

// Launch text far past what one command-line argument may hold (128 KiB on Linux).
const BIG = 200 * 1024;

interface Turn {
  agent_id: string;
  result: string;
  is_error?: boolean;
}

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(async () => {
  await e.close();
});

// A tool call's error text, or undefined when it succeeded.
async function errorOf(name: string, args: Record<string, unknown>): Promise<string | undefined> {
  try {
    const result = await e.client.callTool({ name, arguments: args });
    return result.isError === true ? JSON.stringify(result.content) : undefined;
  } catch (error) {
    return String(error);
  }
}

describe("launch text too long for a command line", () => {
  it("a 200 KB system_prompt_append reaches Claude Code's system prompt (from a file, not the command line)", { timeout: 120_000 }, async () => {
    const marker = `${e.fakes.claude.nonce}-end-of-append`;
    const append = `${"Be thorough. ".repeat(Math.ceil(BIG / 13))}\n${marker}`;
    const { agent_id } = await e.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "say hi", system_prompt_append: append });
    const done = await e.call<{ finished: Turn[] }>("wait", { agent_ids: [agent_id], timeout_s: 100 });
    expect(done.finished[0]?.is_error ?? false, JSON.stringify(done)).toBe(false);
    expect(done.finished[0]?.result).toContain("say hi");
    const system = e.fakes.claude.requests.flatMap((r) => r.messages).filter((m) => m.role === "system");
    expect(system.some((m) => m.text.includes(marker))).toBe(true);
  });

  it("allowed tools and permission rules past the limit are refused, naming it, before anything starts", { timeout: 60_000 }, async () => {
    const many = Array.from({ length: 1_000 }, (_, i) => `Bash(tool-${i}-${"x".repeat(200)}:*)`);
    const tools = await errorOf("launch_agent", { provider: "claude", prompt: "hi", allowed_tools: many });
    expect(tools).toMatch(/at most 200/);
    const long = await errorOf("launch_agent", { provider: "claude", prompt: "hi", allowed_tools: [`Bash(${"y".repeat(BIG)})`] });
    expect(long).toMatch(/at most 1000 characters/);
    const rules = Array.from({ length: 150 }, (_, i) => `Bash(rule-${i}-${"z".repeat(900)}:*)`);
    const both = await errorOf("launch_agent", { provider: "claude", prompt: "hi", permissions: { deny: rules, ask: rules } });
    expect(both).toMatch(/at most 65536 are taken/);
    const model = await errorOf("launch_agent", { provider: "claude", prompt: "hi", model: "m".repeat(BIG) });
    expect(model).toMatch(/model: at most 200 characters/);
    // Nothing was launched by the refused calls.
    const { agents } = await e.call<{ agents: { agent_id: string }[] }>("list_agents");
    expect(agents).toHaveLength(1);
  });
});
