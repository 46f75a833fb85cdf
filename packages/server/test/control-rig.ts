import { type AgentEvent, type Driver, type Session } from "@subagent-mcp/core";
import { request, type IncomingMessage } from "node:http";

// What the control endpoint's tests drive it with: agents in this process, and raw HTTP.

/** A driver whose sessions run in this process: each emits what the test says (`finish`: the turn ends with `result`). */
export function scripted(): { driver: Driver; emit: (i: number, event: AgentEvent) => void; finish: (i: number, result: string) => void } {
  const sinks: ((event: AgentEvent) => void)[] = [];
  const session = (i: number): Session => ({
    pid: process.pid,
    send: () => undefined,
    interrupt: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    close: () => Promise.resolve(),
    kill: () => {
      sinks[i]?.({ type: "exit", code: null, signal: "SIGKILL" });
      return Promise.resolve();
    },
  });
  const driver: Driver = {
    provider: "claude",
    start: (_spec, onEvent) => {
      sinks.push(onEvent);
      return session(sinks.length - 1);
    },
  };
  const emit = (i: number, event: AgentEvent): void => sinks[i]?.(event);
  const finish = (i: number, result: string): void => {
    emit(i, { type: "turn_end", result, isError: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, durationMs: 5 });
  };
  return { driver, emit, finish };
}

/** A request with the headers given as is (fetch would not let a test set Host); resolves with the status. */
export function status(url: string, method: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } }, (res) => {
      res.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(method === "POST" ? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) : undefined);
  });
}

/** Opens the event stream; `next(ok)` resolves with the first `change` event's data that `ok` accepts. */
export async function events(
  url: string,
): Promise<{ res: IncomingMessage; next: (ok: (data: { agent_ids: string[] }) => boolean) => Promise<{ agent_ids: string[] }> }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    request(url, { method: "GET" }, resolve).on("error", reject).end();
  });
  res.setEncoding("utf8");
  let buffered = "";
  const seen: { agent_ids: string[] }[] = [];
  const wakers = new Set<() => void>();
  res.on("data", (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = /^event: change\ndata: (.*)$/m.exec(frame)?.[1];
      if (data !== undefined) seen.push(JSON.parse(data) as { agent_ids: string[] });
    }
    for (const wake of wakers) wake();
  });
  const next = async (ok: (data: { agent_ids: string[] }) => boolean): Promise<{ agent_ids: string[] }> => {
    for (;;) {
      const index = seen.findIndex(ok);
      if (index >= 0) return seen.splice(0, index + 1)[index] as { agent_ids: string[] };
      await new Promise<void>((resolve) => wakers.add(resolve));
      wakers.clear();
    }
  };
  return { res, next };
}
