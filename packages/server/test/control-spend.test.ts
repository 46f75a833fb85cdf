import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SpendLedger } from "@subagent-mcp/usage";
import { pruneServerRecords } from "../src/index.js";
import { launchGated, serverHarness, type ServerHarness } from "./harness.js";

// The dashboard's send and resume go through the control endpoint: with spend caps set they are held
// and checked as the orchestrator's send_message is.

let h: ServerHarness | undefined;
let control: Client | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await control?.close();
  await h?.close();
  [h, control] = [undefined, undefined];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A server with `day_turns` claude turns a day and its control endpoint, the ledger it counts, and the dashboard's client of it. */
async function capped(dayTurns: number): Promise<{ ledger: SpendLedger; dashboard: (name: string, args: Record<string, unknown>) => Promise<Called> }> {
  const stateDir = mkdtempSync(join(tmpdir(), "control-spend-"));
  dirs.push(stateDir);
  const ledger = new SpendLedger(join(stateDir, "spend.jsonl"));
  h = await serverHarness({
    server: { spend: { ledger: ledger.path, caps: { claude: { day_turns: dayTurns } } }, control: { stateDir, cwd: stateDir, session: "s1" } },
  });
  let record = pruneServerRecords(stateDir)[0];
  while (record === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    record = pruneServerRecords(stateDir)[0];
  }
  const client = new Client({ name: "dashboard", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${record.control}/mcp`)));
  control = client;
  return { ledger, dashboard: async (name, args) => (await client.callTool({ name, arguments: args })) as Called };
}

interface Called {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { text: string }[];
}

const elsewhere = (ledger: SpendLedger): void => {
  ledger.append({ at: new Date().toISOString(), provider: "claude", agent: "elsewhere" });
};

describe("spend caps on the dashboard's control endpoint", () => {
  it("a follow-up sent to a busy agent is held until its turn ends; a cap reached then drops it and parks the agent naming the cap", async () => {
    const { ledger, dashboard } = await capped(2);
    const harness = h as ServerHarness;
    const { agent_id, gate } = await launchGated(harness);
    const sent = await dashboard("send_message", { agent_id, message: "[[say:the dashboard's one]]" });
    expect(sent.isError, JSON.stringify(sent.content)).not.toBe(true);
    expect(sent.structuredContent).toMatchObject({ queued_messages: 1 });
    // Another server's turn: with this agent's running one, the day's two turns are spent when it ends.
    elsewhere(ledger);
    writeFileSync(gate, "");
    await harness.call("wait", { agent_ids: [agent_id], timeout_s: 60 });
    const polled = await harness.call<{ status: string; queued_messages: number }>("poll_agent", { agent_id });
    expect(polled).toMatchObject({ status: "budget_exceeded", queued_messages: 0 });
    expect(JSON.stringify(polled)).toContain("spend cap claude day_turns 2 reached: 2 turns today");
    expect(harness.fakes.claude.requests.filter((r) => r.lastUserText.includes("the dashboard's one"))).toEqual([]);
  });

  it("waking a hibernated agent (the dashboard's resume) on a provider a cap holds is refused naming the cap", async () => {
    const { ledger, dashboard } = await capped(2);
    const harness = h as ServerHarness;
    const { agent_id } = await harness.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "one" });
    await harness.call("wait", { agent_ids: [agent_id], timeout_s: 60 });
    expect(harness.supervisor.hibernate(agent_id)).toBe(true);
    elsewhere(ledger);
    const asked = harness.fakes.claude.requests.length;
    const woken = await dashboard("resume_agent", { agent_id, prompt: "more" });
    expect(woken.isError).toBe(true);
    expect(woken.content.map((c) => c.text).join("\n")).toContain("spend cap claude day_turns 2 reached");
    expect(harness.fakes.claude.requests.length).toBe(asked);
    expect((await harness.call<{ status: string }>("poll_agent", { agent_id })).status).toBe("hibernated");
  });
});
