import { readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { descendants } from "@subagent-mcp/drivers";
import { stateDir } from "@subagent-mcp/state";
import { Maildir } from "@subagent-mcp/mailbox";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";

interface Turn {
  agent_id: string;
  result: string;
  result_chars?: number;
}
interface WaitOut {
  finished: Turn[];
  still_running: string[];
}
interface PollOut {
  last_result?: string;
  last_result_chars?: number;
  next_offset?: number;
}
interface InboxMessage {
  message_id: string;
  body: string;
  body_chars?: number;
  next_offset?: number;
}
interface InboxOut {
  messages: InboxMessage[];
  more_waiting?: number;
}

const CAP = 40_000;

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

async function eventually<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A tool call's whole result as the host receives it, with its size on the wire. */
async function raw(s: E2E, name: string, args: Record<string, unknown>): Promise<{ chars: number; text: string; structured: Record<string, unknown> }> {
  const result = await s.client.callTool({ name, arguments: args });
  if (result.isError === true) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return {
    chars: JSON.stringify(result).length,
    text: (result.content as { text: string }[]).map((c) => c.text).join("\n"),
    structured: result.structuredContent as Record<string, unknown>,
  };
}

describe("size limits of subagent-mcp over stdio", () => {
  it("refuses a 12 MiB request with a JSON-RPC error and keeps serving", async () => {
    const s = (e = await startE2E());
    const huge = "x".repeat(12 * 1024 * 1024);
    await expect(s.client.callTool({ name: "send_to", arguments: { to: "someone", message: huge } })).rejects.toThrow(
      /request of \d+ bytes refused: the limit is 4194304 bytes \(SUBAGENT_MCP_MAX_REQUEST_BYTES\)/,
    );
    // Still up: the next request is answered, and the refusal is in the log.
    expect(await s.call<{ agents: unknown[] }>("list_agents")).toEqual({ agents: [], total: 0 });
    expect(s.stderr()).toMatch(/subagent-mcp: request of \d+ bytes refused/);
    expect(s.transport.pid).toBeDefined();
  });

  it("cuts a 12 MB result to the cap in wait and pages through it with poll_agent", async () => {
    const s = (e = await startE2E());
    const big = `${s.fakes.claude.nonce} ${"0123456789abcdef".repeat(750_000)} THE-END`;
    s.fakes.claude.script((request) => (request.lastUserText.includes("write a lot") ? { kind: "text", text: big } : undefined));
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "write a lot" });

    const waited = await raw(s, "wait", { agent_ids: [agent_id], timeout_s: 120 });
    expect(waited.chars).toBeLessThanOrEqual(CAP);
    const turn = (waited.structured as unknown as WaitOut).finished[0];
    expect(turn?.result_chars).toBe(big.length);
    expect(big.startsWith(turn?.result ?? "-")).toBe(true);
    const cut = turn?.result.length ?? 0;
    expect(waited.text).toContain(`read on with poll_agent {"agent_id": "${agent_id}", "offset": ${cut}}`);

    // The next page starts exactly where the cut was; max_chars asks for less.
    const page = await raw(s, "poll_agent", { agent_id, offset: cut, max_chars: 5_000 });
    const second = page.structured as PollOut;
    expect(page.chars).toBeLessThanOrEqual(CAP);
    expect(second).toMatchObject({ last_result: big.slice(cut, cut + 5_000), last_result_chars: big.length, next_offset: cut + 5_000 });
    expect(page.text).toContain(big.slice(cut, cut + 5_000));

    // Without max_chars a page is as large as the cap allows, and the last one has no next_offset.
    const full = await raw(s, "poll_agent", { agent_id, offset: 0 });
    expect(full.chars).toBeLessThanOrEqual(CAP);
    expect((full.structured as PollOut).last_result?.length).toBeGreaterThan(CAP / 4);
    const tail = (await raw(s, "poll_agent", { agent_id, offset: big.length - 100 })).structured as PollOut;
    expect(tail.last_result).toBe(big.slice(-100));
    expect(tail.last_result?.endsWith("THE-END")).toBe(true);
    expect(tail.next_offset).toBeUndefined();
    // A plain poll is capped too.
    expect((await raw(s, "poll_agent", { agent_id, tail_chars: 64_000 })).chars).toBeLessThanOrEqual(CAP);
  });

  it("hands out a message longer than one answer in parts and takes it with its last part", async () => {
    const s = (e = await startE2E());
    const mail = new Maildir(join(stateDir({ home: s.serverEnv.HOME ?? "", env: s.serverEnv }), "mail"));
    const body = `${"a long report line\n".repeat(47_000)}END`;
    const long = mail.send({ from: "worker-1", to: "orchestrator", body, priority: "normal" });
    mail.send({ from: "worker-2", to: "orchestrator", body: "short one", priority: "low" });

    const first = await raw(s, "inbox", {});
    expect(first.chars).toBeLessThanOrEqual(CAP);
    const part = (first.structured as unknown as InboxOut).messages[0];
    expect(part).toMatchObject({ message_id: long.id, body_chars: body.length });
    expect(first.text).toContain(`read on with inbox {"message_id": "${long.id}", "offset": ${part?.next_offset}}`);
    // Reading a part takes nothing: both messages still wait.
    expect(mail.pending("orchestrator")).toBe(2);

    let read = part?.body ?? "";
    for (let next = part?.next_offset; next !== undefined;) {
      const got = await raw(s, "inbox", { message_id: long.id, offset: next });
      expect(got.chars).toBeLessThanOrEqual(CAP);
      const piece = (got.structured as unknown as InboxOut).messages[0];
      read += piece?.body ?? "";
      next = piece?.next_offset;
    }
    expect(read).toBe(body);
    // The last part took it, and it was acknowledged once that answer was out.
    expect(mail.pending("orchestrator")).toBe(1);
    expect(await eventually(() => (mail.claimed("orchestrator") === 0 ? true : undefined), 5_000)).toBe(true);
    const rest = await s.call<InboxOut>("inbox");
    expect(rest.messages.map((m) => m.body)).toEqual(["short one"]);
  });
});

describe("a Claude sub-agent's mailbox address", () => {
  it("is not on its command line but in a file with no name that only its CLI holds", async () => {
    const s = (e = await startE2E());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[slow:60000]] keep busy" });
    await eventually(() => (s.fakes.claude.requests.some((r) => r.reply === "slow") ? true : undefined), 60_000);
    const tree = descendants(s.transport.pid as number);
    const cmdlines = tree.map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      } catch {
        return [];
      }
    });
    // Its token (an Authorization header) is nowhere on any command line of the tree.
    for (const args of cmdlines) expect(args.join(" ")).not.toMatch(/Bearer/);
    // The CLI (whatever runs it: a sandbox's command line names it too) reads it from a descriptor it
    // inherited: a file of 0600 with no name on disk.
    const given = cmdlines.flatMap((args, i) => (args.includes("--mcp-config") ? [{ pid: tree[i], path: args[args.indexOf("--mcp-config") + 1] ?? "" }] : []));
    expect(given.length).toBeGreaterThan(0);
    for (const { path } of given) expect(path).toMatch(/^\/dev\/fd\/\d+$/);
    const unnamed = (path: string): boolean => {
      try {
        return readlinkSync(path).endsWith(" (deleted)");
      } catch {
        return false;
      }
    };
    const held = given.map(({ pid, path }) => `/proc/${String(pid)}/fd/${path.slice("/dev/fd/".length)}`).find(unnamed) ?? "";
    expect(statSync(held).mode & 0o777).toBe(0o600);
    const config = readFileSync(held, "utf8");
    expect(config).toContain(`/agents/${agent_id}/mailbox`);
    expect(config).toMatch(/"Authorization":"Bearer [A-Za-z0-9_-]{16,}"/);
    await s.call("kill_agent", { agent_id });
  });
});
