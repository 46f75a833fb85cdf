import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";

// What a host reads of the server before it calls anything: the tools/list answer as it comes off
// the wire, and the answers to calls whose arguments do not validate. Both are held to files, so
// that a change to how the server makes them (what loads when, where the JSON Schemas come from)
// is seen to leave them byte for byte as they were; a deliberate change updates them (vitest -u).

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

// The one part of an answer that differs from run to run: this server's own mailbox name.
const stable = (answer: unknown): string => `${JSON.stringify(answer, undefined, 1).replaceAll(/orchestrator-[0-9a-f]{8}/g, "orchestrator-<id>")}\n`;

// Every message the server sends, as parsed off stdio (key order kept), beside the client's own handling.
function recordAnswers(s: E2E): Map<string | number, unknown> {
  const answers = new Map<string | number, unknown>();
  const handle = s.transport.onmessage;
  s.transport.onmessage = (message: JSONRPCMessage) => {
    if ("id" in message && message.id !== undefined && ("result" in message || "error" in message))
      answers.set(message.id, "result" in message ? message.result : message.error);
    handle?.(message);
  };
  return answers;
}

// Arguments each tool refuses: a wrong type, a missing field, a value out of its enum, a field it does not take.
const BAD_CALLS: [string, Record<string, unknown>][] = [
  ["launch_agent", { provider: "nope", prompt: "x" }],
  ["launch_agent", {}],
  ["poll_agent", { agent_id: 7 }],
  ["wait", { agent_ids: "a", timeout_s: -1 }],
  ["list_agents", { limit: "many" }],
  ["kill_agent", {}],
  ["send_message", { agent_id: "a" }],
  ["respond_permission", { agent_id: "a", request_id: "r", decision: "maybe" }],
  ["transcript", { agent_id: 1 }],
  ["usage", { since: 3 }],
  ["invoke", { agent: 1 }],
  ["orchestration_mode", { enabled: "yes" }],
  ["send_to", { to: 1 }],
];

describe("what the server answers before any work", () => {
  it("lists its tools exactly as before", async () => {
    const s = (e = await startE2E());
    const answers = recordAnswers(s);
    await s.client.listTools();
    const listed = [...answers.values()].find((a) => Array.isArray((a as { tools?: unknown }).tools));
    await expect(stable(listed)).toMatchFileSnapshot("__snapshots__/tools-list.json");
  });

  it("refuses arguments that do not validate with the same answers", async () => {
    const s = (e = await startE2E());
    const answers = recordAnswers(s);
    const refused: Record<string, unknown>[] = [];
    for (const [name, args] of BAD_CALLS) {
      const before = answers.size;
      await s.client.callTool({ name, arguments: args }).catch(() => undefined);
      refused.push({ name, args, answer: [...answers.values()][before] });
    }
    await expect(stable(refused)).toMatchFileSnapshot("__snapshots__/tools-refused.json");
  });
});
