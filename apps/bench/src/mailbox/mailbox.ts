import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { asyncStore, Maildir, type MailboxStore } from "@subagent-mcp/mailbox";
import { RedisMailboxes } from "@subagent-mcp/mailbox-redis";
import { startRedisServer } from "@subagent-mcp/testkit";
import { summarize, type Summary } from "../stats.js";
import { definedFields } from "@subagent-mcp/contract";

/** 10,000 messages through one mailbox: rates each way and memory. */
export interface Throughput {
  messages: number;
  sendMs: number;
  receiveAckMs: number;
  sendPerSec: number;
  receiveAckPerSec: number;
  rssBeforeMb: number;
  rssAfterSendMb: number;
  rssAfterMb: number;
  /** Redis only: the server's used_memory once every message is sent. */
  serverUsedMemoryMb?: number;
}

/** One backend: a blocked reader's wake-up, and the bulk run. */
export interface MailboxBackendResult {
  backend: "maildir" | "redis";
  /** send -> the waiting reader's `wait` resolves. */
  wake: Summary;
  /** send -> woken, received and acked. */
  wakeReceiveAck: Summary;
  throughput: Throughput;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
const rss = (): number => mb(process.memoryUsage().rss);

/** A backend under test; `blocked` resolves once a reader's `wait` is really waiting. */
interface Rig {
  store: MailboxStore;
  blocked: () => Promise<void>;
  usedMemoryMb?: () => Promise<number>;
  stop: () => Promise<void>;
}

// Maildir's wait arms its watcher synchronously, so a reader is waiting as soon as wait() returns.
function maildirRig(): Rig {
  const dir = mkdtempSync(join(tmpdir(), "bench-mailbox-"));
  const store = asyncStore(new Maildir(dir, { pollMs: 60_000 }));
  return {
    store,
    blocked: () => Promise.resolve(),
    stop: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Redis's wait opens its own connection before XREAD BLOCK: the send waits until the server counts a blocked client.
async function redisRig(): Promise<Rig> {
  const server = await startRedisServer();
  const store = await RedisMailboxes.connect({ url: server.url, prefix: "bench" });
  const admin = new Redis(server.url);
  const info = async (section: string, field: string): Promise<number> => {
    const text = await admin.info(section);
    return Number(new RegExp(`^${field}:(\\d+)`, "m").exec(text)?.[1] ?? Number.NaN);
  };
  return {
    store,
    blocked: async () => {
      while ((await info("clients", "blocked_clients")) < 1);
    },
    usedMemoryMb: async () => mb(await info("memory", "used_memory")),
    stop: async () => {
      await store.close();
      admin.disconnect();
      await server.stop();
    },
  };
}

async function wakeRuns(rig: Rig, samples: number, warmup: number): Promise<{ wake: number[]; done: number[] }> {
  const wake: number[] = [];
  const done: number[] = [];
  await rig.store.pending("reader");
  for (let i = 0; i < warmup + samples; i++) {
    let wokeAt = 0;
    const woke = rig.store.wait("reader", 5_000).then((got) => {
      wokeAt = performance.now();
      if (!got) throw new Error("the reader was not woken within 5 s");
    });
    await rig.blocked();
    const start = performance.now();
    await rig.store.send({ from: "bench", to: "reader", body: `wake ${i}`, priority: "normal" });
    await woke;
    for (const m of await rig.store.receive("reader", 10)) await rig.store.ack("reader", m.id);
    const end = performance.now();
    if (i >= warmup) {
      wake.push(wokeAt - start);
      done.push(end - start);
    }
  }
  return { wake, done };
}

async function bulk(rig: Rig, messages: number): Promise<Throughput> {
  const rssBeforeMb = rss();
  const sendStart = performance.now();
  for (let i = 0; i < messages; i++) await rig.store.send({ from: "bench", to: "bulk", body: `bulk message ${i}`, priority: "normal" });
  const sendMs = performance.now() - sendStart;
  const rssAfterSendMb = rss();
  const serverUsedMemoryMb = await rig.usedMemoryMb?.();
  let got = 0;
  const receiveStart = performance.now();
  for (;;) {
    const batch = await rig.store.receive("bulk", 100);
    if (batch.length === 0) break;
    for (const m of batch) await rig.store.ack("bulk", m.id);
    got += batch.length;
  }
  const receiveAckMs = performance.now() - receiveStart;
  if (got !== messages) throw new Error(`received ${got} of ${messages} messages`);
  const round = (x: number): number => Math.round(x);
  return {
    messages,
    sendMs: round(sendMs),
    receiveAckMs: round(receiveAckMs),
    sendPerSec: round((messages / sendMs) * 1000),
    receiveAckPerSec: round((messages / receiveAckMs) * 1000),
    rssBeforeMb,
    rssAfterSendMb,
    rssAfterMb: rss(),
    ...definedFields({ serverUsedMemoryMb }),
  };
}

/** Maildir and Redis (a fresh local redis-server) side by side: `samples` wake-ups after a warm-up, then `messages` in bulk. */
export async function mailboxBench(samples: number, messages: number): Promise<MailboxBackendResult[]> {
  const out: MailboxBackendResult[] = [];
  for (const backend of ["maildir", "redis"] as const) {
    const rig = backend === "maildir" ? maildirRig() : await redisRig();
    try {
      const runs = await wakeRuns(rig, samples, 20);
      const throughput = await bulk(rig, messages);
      out.push({ backend, wake: summarize(runs.wake), wakeReceiveAck: summarize(runs.done), throughput });
    } finally {
      await rig.stop();
    }
  }
  return out;
}
