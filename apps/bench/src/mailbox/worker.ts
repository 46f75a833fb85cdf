import { treeRssMb } from "@subagent-mcp/drivers";
import { asyncStore, Maildir, type MailboxStore } from "@subagent-mcp/mailbox";
import { RedisMailboxes } from "@subagent-mcp/mailbox-redis";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import { cliExecutable, loopbackEnv, startFakeFor, startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { serverBin } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

export interface WorkerResult {
  provider: Provider;
  /** Where the mail went: the Maildir, or a redis-server on 127.0.0.1 (SUBAGENT_MCP_MAILBOX_URL). */
  backend: "maildir" | "redis";
  /** First message: send -> reply in the sender's mailbox (includes starting the CLI). */
  firstReplyMs: number;
  /** Later messages, same session: send -> reply. */
  reply: Summary;
  /** send -> the turn's request reaches the model (mailbox wake + prompt + CLI). */
  toModel: Summary;
  /** Model response complete -> reply in the sender's mailbox (CLI turn end + reply + ack). */
  modelToReply: Summary;
  /** The idle worker's process tree (the Node worker, which serves the session's messaging tools, and the CLI), MB. */
  idleTreeRssMb: number;
}

/** A mailbox alone: send -> a waiting reader wakes (file-system events, no poll). */
export async function mailboxWake(samples: number): Promise<Summary> {
  const mail = new Maildir(mkdtempSync(join(tmpdir(), "bench-mail-")), { pollMs: 60_000 });
  mail.pending("reader");
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const woke = mail.wait("reader", 5_000);
    const start = performance.now();
    mail.send({ from: "bench", to: "reader", body: String(i), priority: "normal" });
    await woke;
    out.push(performance.now() - start);
    mail.receive("reader");
  }
  return summarize(out);
}

/** `subagent-mcp worker` on one CLI: messages answered one after another through the mailboxes (Maildir, or Redis on loopback). */
export async function workerBench(provider: Provider, messages: number, backend: "maildir" | "redis" = "maildir"): Promise<WorkerResult> {
  const fake = await startFakeFor(provider);
  const env = await loopbackEnv(provider, fake);
  const state = join(env.home, "state");
  const redis: RedisServer | undefined = backend === "redis" ? await startRedisServer() : undefined;
  const vars = {
    ...env.env,
    XDG_STATE_HOME: state,
    [`SUBAGENT_MCP_${provider.toUpperCase()}_PATH`]: cliExecutable(provider),
    ...(redis === undefined ? {} : { SUBAGENT_MCP_MAILBOX_URL: redis.url }),
  };
  const worker = execa(serverBin, ["worker", "--name", "bench-worker", "--provider", provider], { cwd: env.cwd, env: vars, extendEnv: false, reject: false });
  const mail: MailboxStore =
    redis === undefined ? asyncStore(new Maildir(stateLayout(stateDir({ home: env.home, env: vars })).mail)) : await RedisMailboxes.connect({ url: redis.url });
  await mail.pending("bench");
  const roundTrip = async (i: number): Promise<{ total: number; toModel: number; modelToReply: number }> => {
    const tag = `bench message ${i}`;
    const start = performance.now();
    await mail.send({ from: "bench", to: "bench-worker", body: tag, priority: "normal" });
    await mail.wait("bench", 120_000);
    const end = performance.now();
    for (const m of await mail.receive("bench", 10)) await mail.ack("bench", m.id);
    const request = fake.requests.find((r) => r.lastUserText.includes(tag) && !r.wantsJson);
    return { total: end - start, toModel: (request?.receivedAt ?? Number.NaN) - start, modelToReply: end - (request?.endedAt ?? Number.NaN) };
  };
  try {
    const first = await roundTrip(0);
    const later = [];
    for (let i = 1; i <= messages; i++) later.push(await roundTrip(i));
    await new Promise((r) => setTimeout(r, 500));
    const idleTreeRssMb = treeRssMb(worker.pid ?? 0) ?? 0;
    return {
      provider,
      backend,
      firstReplyMs: Math.round(first.total),
      reply: summarize(later.map((x) => x.total)),
      toModel: summarize(later.map((x) => x.toModel)),
      modelToReply: summarize(later.map((x) => x.modelToReply)),
      idleTreeRssMb,
    };
  } finally {
    worker.kill("SIGTERM");
    await worker;
    await mail.close();
    await redis?.stop();
    await fake.stop();
    await env.cleanup();
  }
}
