import type { PollAgentResult as Poll, WaitResult as WaitOut, BuiltinProvider as Provider } from "@subagent-mcp/contract";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { mcpRig, type McpRig } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

/** Permission round trips of one CLI (milliseconds). */
export interface PermissionResult {
  provider: Provider;
  /** The model's tool call sent (fake's last byte) -> `wait` returns with the request; the CLI's time to ask included. */
  toolCallToWait: Summary;
  /** The CLI's share: the model's tool call sent -> the server recorded the request (`asked_at`, ms resolution). */
  toolCallToAsked: Summary;
  /** The server's share: the request recorded (`asked_at`) -> `wait` returns. */
  askedToWait: Summary;
  /** `respond_permission` allow sent -> the command's file exists (polled every ms). */
  respondToRan: Summary;
  /** Runs in which `wait` was blocking before the model's tool call went out; only those count in toolCallToWait, toolCallToAsked and askedToWait. */
  waitBlockedFirst: number;
}

// The fake's own model for Codex: routing's default model gets no shell tool from it.
const MODEL: Partial<Record<Provider, string>> = { codex: "gpt-5.5" };
const FILE_BOUND_MS = 30_000;

// Calls wait until the agent's turn is over, answering nothing (each run asks once).
async function untilFinished(r: McpRig, id: string): Promise<void> {
  for (;;) {
    const out = await r.call<WaitOut>("wait", { agent_ids: [id], timeout_s: 60 });
    if (out.finished.length > 0) return;
    if (!out.still_running.includes(id)) throw new Error(`agent ${id} neither running nor finished: ${JSON.stringify(out)}`);
  }
}

// Milliseconds from t0 until `path` exists, polled every millisecond up to a bound.
async function fileAppears(path: string, t0: number): Promise<number> {
  while (!existsSync(path)) {
    if (performance.now() - t0 > FILE_BOUND_MS) throw new Error(`${path} did not appear within ${FILE_BOUND_MS} ms`);
    await sleep(1);
  }
  return performance.now() - t0;
}

async function oneCli(r: McpRig, provider: Provider, runs: number): Promise<PermissionResult> {
  const model = MODEL[provider];
  const { agent_id: id } = await r.call<{ agent_id: string }>("launch_agent", { provider, model, prompt: "warm up" });
  await untilFinished(r, id);
  const toWait: number[] = [];
  const cli: number[] = [];
  const asked: number[] = [];
  const ran: number[] = [];
  let blockedFirst = 0;
  for (let i = 0; i < runs; i += 1) {
    const file = `perm-${provider}-${i}.txt`;
    await r.call("send_message", { agent_id: id, message: `[[shell:touch ${file}]]` });
    const waitCalled = performance.now();
    const out = await r.call<WaitOut>("wait", { agent_ids: [id], timeout_s: 60 });
    const returned = performance.now();
    const returnedEpoch = Date.now(); // the server's asked_at is on this clock
    const request = out.permission_requests?.[0];
    if (request === undefined) throw new Error(`${provider}: wait returned without a permission request: ${JSON.stringify(out)}`);
    const call = r.fakes[provider].requests.find((q) => q.lastUserText.includes(file) && q.reply === "shell");
    if (call?.endedAt === undefined) throw new Error(`${provider}: no shell tool call in the fake's log for ${file}`);
    const poll = await r.call<Poll>("poll_agent", { agent_id: id, tail_chars: 0 });
    const askedAt = poll.pending_permissions?.find((p) => p.request_id === request.request_id)?.asked_at;
    if (askedAt === undefined) throw new Error(`${provider}: request ${request.request_id} not pending`);
    // A run whose wait arrived after the request measures the call, not the wake-up: left out.
    if (waitCalled < call.endedAt) {
      blockedFirst += 1;
      toWait.push(returned - call.endedAt);
      cli.push(Date.parse(askedAt) - (performance.timeOrigin + call.endedAt));
      asked.push(returnedEpoch - Date.parse(askedAt));
    }
    const sent = performance.now();
    const respond = r.call("respond_permission", { agent_id: id, request_id: request.request_id, decision: "allow" });
    ran.push(await fileAppears(join(r.env.cwd, file), sent));
    await respond;
    await untilFinished(r, id);
  }
  await r.call("kill_agent", { agent_id: id });
  return {
    provider,
    toolCallToWait: summarize(toWait),
    toolCallToAsked: summarize(cli),
    askedToWait: summarize(asked),
    respondToRan: summarize(ran),
    waitBlockedFirst: blockedFirst,
  };
}

/** A CLI raises a permission request while the orchestrator blocks in `wait`; allowed, the command runs. */
export async function permissionBench(providers: Provider[], runs: number): Promise<PermissionResult[]> {
  const r = await mcpRig();
  try {
    const rows: PermissionResult[] = [];
    for (const provider of providers) rows.push(await oneCli(r, provider, runs));
    return rows;
  } finally {
    await r.close();
  }
}
