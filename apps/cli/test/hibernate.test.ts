import { cliExecutable } from "@subagent-mcp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";
import { PROVIDERS, processesOfHome, running, until, waitAll, type ListOut, type Proc, type Provider } from "./past-e2e.js";

// An idle agent's process is closed (hibernated) and its next message resumes the conversation.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

/** The server's processes that are not the server itself nor its guardian (the /bin/sh that kills trees). */
function cliProcesses(s: E2E): Proc[] {
  return processesOfHome(s.env.home).filter((p) => p.pid !== s.transport.pid && !p.cmdline.includes("while read -r op pid start"));
}

async function listed(s: E2E): Promise<ListOut["agents"]> {
  return (await s.call<ListOut>("list_agents")).agents;
}

describe("hibernation (SUBAGENT_MCP_IDLE_TTL_S)", () => {
  // Gemini's wake may wait for the next minute (see the drivers' untilGeminiCanLoad): up to a minute more.
  it("closes each idle CLI's process and resumes its conversation on the next message", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E({ SUBAGENT_MCP_IDLE_TTL_S: "1" }));
    const launched = await Promise.all(PROVIDERS.map((provider) => s.call<{ agent_id: string }>("launch_agent", { provider, prompt: "first alpha" })));
    const ids = Object.fromEntries(PROVIDERS.map((p, i) => [p, launched[i]?.agent_id as string])) as Record<Provider, string>;
    const first = await waitAll(s, Object.values(ids));
    for (const provider of PROVIDERS) expect(first.get(ids[provider])?.result).toContain(s.fakes[provider].nonce);
    const before = cliProcesses(s);
    let rows = await listed(s);
    // On a loaded machine an agent may hibernate (its 1 s idle TTL over) before this look: then its CLI is gone already.
    for (const provider of PROVIDERS)
      expect(
        before.some((p) => p.cmdline.includes(cliExecutable(provider))) || rows.find((r) => r.agent_id === ids[provider])?.status === "hibernated",
        `${provider} CLI running, or already hibernated`,
      ).toBe(true);

    while (!Object.values(ids).every((id) => rows.find((r) => r.agent_id === id)?.status === "hibernated")) {
      await new Promise((r) => setTimeout(r, 200));
      rows = await listed(s);
    }
    for (const id of Object.values(ids)) expect(rows.find((r) => r.agent_id === id)).toMatchObject({ status: "hibernated", alive: true, turns: 1 });
    await until("the hibernated CLIs' processes to end", () => before.every((p) => !running(p)), 30_000);
    expect(cliProcesses(s)).toEqual([]);

    await Promise.all(Object.values(ids).map((agent_id) => s.call("send_message", { agent_id, message: "[[history]]" })));
    const woken = await waitAll(s, Object.values(ids));
    for (const provider of PROVIDERS) {
      const f = woken.get(ids[provider]) as { result: string; is_error: boolean; status?: string } | undefined;
      expect(f?.is_error, `${provider}: ${JSON.stringify(f)}`).toBe(false);
      expect(f?.status).toBe("finished");
      expect(f?.result, provider).toContain(`${s.fakes[provider].nonce} history:`);
      expect(f?.result, provider).toContain("first alpha");
    }
    // Alive again, with both turns; idle, it may already be on its way back to hibernation.
    rows = await listed(s);
    for (const id of Object.values(ids)) {
      expect(rows.find((r) => r.agent_id === id)).toMatchObject({ alive: true, turns: 2 });
      expect(["finished", "hibernated"]).toContain(rows.find((r) => r.agent_id === id)?.status);
    }
  });
});
