import type { WaitResult as WaitOut, BuiltinProvider as Provider } from "@subagent-mcp/contract";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { McpRig } from "../mcp-rig.js";

/** One CLI's journal size: after its first turn, and per turn for plain and tool-calling follow-ups. */
export interface BytesResult {
  provider: Provider;
  /** Bytes on disk once the launch's first turn is recorded (launch, session, prompt, turn, statuses). */
  afterFirstTurn: number;
  /** Follow-ups of a short prompt: bytes added / turns. */
  plainPerTurn: number;
  /** Follow-ups with one shell tool call (`echo hi`): bytes added / turns. */
  toolPerTurn: number;
  turns: number;
  /** Turns whose tool call the journal recorded (a `tool` entry). */
  toolEntries: number;
  /** Tool turns whose answer came after the tool's result (the call really ran). */
  toolRan: number;
  error?: string;
}

/** The agent's journal directory under the rig's state dir. */
export function agentDir(r: McpRig, id: string): string {
  return join(stateLayout(stateDir({ home: r.env.home, env: r.env.env })).agents, id);
}

// Every file of the agent's journal (rotated parts included).
function sizeOf(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

// Appends are written asynchronously: waits until turn `n`'s entry, the last of its turn (after its status), is on disk.
async function recorded(dir: string, n: number): Promise<number> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const path = join(dir, "journal.jsonl");
    const text = existsSync(path) ? readFileSync(path, "utf8") : "";
    const done = text.split("\n").some((l) => l.startsWith('{"t":"turn"') && l.includes(`"turn":${n},`));
    if (done && text.endsWith("\n")) return sizeOf(dir);
    if (performance.now() > deadline) throw new Error(`turn ${n} never reached ${path}`);
    await sleep(5);
  }
}

/** Sends `message` (or nothing: the launch's turn) and waits for the turn, allowing what it asks. */
export async function turn(r: McpRig, id: string, message?: string): Promise<string> {
  if (message !== undefined) await r.call("send_message", { agent_id: id, message });
  for (;;) {
    const out = await r.call<WaitOut>("wait", { agent_ids: [id], timeout_s: 120 });
    for (const q of out.permission_requests ?? []) await r.call("respond_permission", { agent_id: id, request_id: q.request_id, decision: "allow" });
    const done = out.finished.find((f) => f.agent_id === id);
    if (done?.is_error === true) throw new Error(`turn failed: ${done.result}`);
    if (done !== undefined) return done.result;
  }
}

async function one(r: McpRig, provider: Provider, turns: number): Promise<BytesResult> {
  // The fake's own model for Codex: routing's default model gets no shell tool from it.
  const model = provider === "codex" ? { model: "gpt-5.5" } : {};
  const { agent_id: id } = await r.call<{ agent_id: string }>("launch_agent", { provider, prompt: "first", ...model });
  const dir = agentDir(r, id);
  await turn(r, id);
  const first = await recorded(dir, 1);
  for (let i = 0; i < turns; i += 1) await turn(r, id, `short prompt ${i}`);
  const plain = await recorded(dir, 1 + turns);
  let toolRan = 0;
  for (let i = 0; i < turns; i += 1) if ((await turn(r, id, `[[shell:echo hi]] ${i}`)).includes("tool done")) toolRan += 1;
  const tool = await recorded(dir, 1 + 2 * turns);
  const lines = readFileSync(join(dir, "journal.jsonl"), "utf8").split("\n");
  const toolEntries = lines.filter((l) => l.includes('"t":"tool"')).length;
  await r.call("kill_agent", { agent_id: id });
  return {
    provider,
    afterFirstTurn: first,
    plainPerTurn: Math.round((plain - first) / turns),
    toolPerTurn: Math.round((tool - plain) / turns),
    turns,
    toolEntries,
    toolRan,
  };
}

/** Journal bytes per turn on each CLI: `turns` short follow-ups, then `turns` with one tool call each. */
export async function journalBytes(r: McpRig, turns: number): Promise<BytesResult[]> {
  const rows: BytesResult[] = [];
  for (const provider of ["claude", "codex", "gemini"] as const) {
    try {
      rows.push(await one(r, provider, turns));
    } catch (error) {
      rows.push({ provider, afterFirstTurn: 0, plainPerTurn: 0, toolPerTurn: 0, turns, toolEntries: 0, toolRan: 0, error: String(error) });
    }
  }
  return rows;
}
