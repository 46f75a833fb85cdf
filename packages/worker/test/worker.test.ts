import type { AgentEvent, Driver, Session, SessionSpec } from "@subagent-mcp/core";
import { asyncStore, Maildir, type Mailboxes } from "@subagent-mcp/mailbox";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { workerLayout } from "@subagent-mcp/state";
import { describe, expect, it } from "vitest";
import { Worker, WorkerFiles } from "../src/index.js";

type Behaviour = (text: string, emit: (e: AgentEvent) => void, spec: SessionSpec) => void;
const usage = { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 };

/** An in-memory driver: `behaviour` decides what each turn does. */
function fakeDriver(behaviour: Behaviour): Driver & { specs: SessionSpec[] } {
  const specs: SessionSpec[] = [];
  return {
    provider: "claude",
    specs,
    start(spec, onEvent): Session {
      specs.push(spec);
      let alive = true;
      const emit = (e: AgentEvent): void => {
        if (alive) onEvent(e);
      };
      return {
        pid: 1,
        send: (text) => {
          behaviour(text, emit, spec);
        },
        interrupt: () => {
          emit({ type: "turn_end", result: "", isError: false, interrupted: true, usage, durationMs: 1 });
          return Promise.resolve();
        },
        reset: () => Promise.resolve(),
        close: () => {
          emit({ type: "exit", code: 0, signal: null });
          alive = false;
          return Promise.resolve();
        },
        kill: () => {
          emit({ type: "exit", code: null, signal: "SIGKILL" });
          alive = false;
          return Promise.resolve();
        },
      };
    },
  };
}

interface SetupOptions {
  turnTimeoutMs?: number;
  maxAttempts?: number;
  /** What the worker sees instead of the mailboxes themselves (to make them fail). */
  wrap?: (mail: Maildir) => Mailboxes;
}

function setup(behaviour: Behaviour, options: SetupOptions = {}) {
  const root = mkdtempSync(join(tmpdir(), "worker-"));
  const mail = new Maildir(join(root, "mail"), { pollMs: 20, ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }) });
  const files = new WorkerFiles(join(root, "workers", "w"));
  const driver = fakeDriver(behaviour);
  const said: string[] = [];
  const worker = new Worker({
    name: "w",
    mail: asyncStore(options.wrap?.(mail) ?? mail),
    driver,
    files,
    spec: { cwd: root },
    retryBaseMs: 1,
    turnTimeoutMs: options.turnTimeoutMs ?? 5_000,
    say: (line) => {
      said.push(line);
    },
  });
  return { mail, files, driver, worker, said };
}

const answer: Behaviour = (text, emit) => {
  emit({ type: "started", sessionId: "s-1", model: "m" });
  emit({ type: "turn_end", result: `answered: ${text.length}`, isError: false, usage, costUsd: 0.01, durationMs: 1 });
};

describe("Worker", () => {
  it("answers, replies in the thread, acks, saves the session and logs the turn", async () => {
    const { mail, files, worker } = setup(answer);
    const sent = mail.send({ from: "shell", to: "w", body: "hello", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    const [reply] = mail.receive("shell");
    expect(reply).toMatchObject({ from: "w", replyTo: sent.id, threadId: sent.threadId, auto: true });
    expect(mail.pending("w")).toBe(0);
    expect(files.loadSession()).toMatchObject({ provider: "claude", sessionId: "s-1" });
    expect(files.turns()[0]).toMatchObject({ exit: "ok", outcome: "replied", tokens: usage, costUsd: 0.01, sessionId: "s-1", attempt: 1 });
  });

  it("resumes the saved session, and forgets one that cannot be resumed", async () => {
    const refused: Behaviour = (_text, emit, spec) => {
      if (spec.resume !== undefined) emit({ type: "exit", code: 1, signal: null });
      else answer(_text, emit, spec);
    };
    const { mail, files, driver, worker } = setup(refused);
    files.saveSession({ provider: "claude", sessionId: "gone" });
    mail.send({ from: "shell", to: "w", body: "hello", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(driver.specs[0]?.resume).toBe("gone");
    expect(files.turns()[0]).toMatchObject({ exit: "exited", outcome: "requeued" });
    expect(files.loadSession()).toBeUndefined();
    await worker.run(new AbortController().signal, { once: true });
    expect(driver.specs[1]?.resume).toBeUndefined();
    expect(files.turns()[1]).toMatchObject({ exit: "ok", attempt: 2 });
  });

  it("interrupts a turn past its timeout and requeues the message", async () => {
    const { mail, files, worker } = setup(() => undefined, { turnTimeoutMs: 30 });
    mail.send({ from: "shell", to: "w", body: "never answered", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(files.turns()[0]).toMatchObject({ exit: "timeout", outcome: "requeued", error: "turn exceeded 30 ms" });
    expect(mail.pending("w")).toBe(1);
  });

  it("on stop, lets the turn finish within the grace period", async () => {
    let finish: (() => void) | undefined;
    const { mail, files, worker } = setup((text, emit, spec) => {
      finish = () => {
        answer(text, emit, spec);
      };
    });
    mail.send({ from: "shell", to: "w", body: "slow", priority: "normal" });
    const stop = new AbortController();
    const running = worker.run(stop.signal);
    while (finish === undefined) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    finish();
    await running;
    expect(files.turns()[0]).toMatchObject({ exit: "ok", outcome: "replied" });
  });

  it("allows one live worker per mailbox, and the lock again once released", async () => {
    const files = new WorkerFiles(join(mkdtempSync(join(tmpdir(), "worker-lock-")), "w"));
    const first = await files.lock();
    expect(first.ok).toBe(true);
    expect(await files.lock()).toEqual({ ok: false, holder: process.pid });
    if (first.ok) first.release();
    // A lock file left by an older version (a bare pid) holds nothing: the kernel's socket decides.
    writeFileSync(workerLayout(files.dir).lock, String(2 ** 22 + 12345));
    const again = await files.lock();
    expect(again.ok).toBe(true);
    if (again.ok) again.release();
  });

  it("tells the sender when it gives up on a message", async () => {
    const { mail, files, worker } = setup(
      (_text, emit) => {
        emit({ type: "turn_end", result: "boom", isError: true, usage, durationMs: 1 });
      },
      { maxAttempts: 1 },
    );
    const sent = mail.send({ from: "shell", to: "w", body: "fails", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(files.turns()[0]).toMatchObject({ exit: "error", outcome: "dead", error: "boom" });
    expect(mail.receive("shell")[0]).toMatchObject({
      from: "w",
      bounce: true,
      auto: true,
      replyTo: sent.id,
      body: expect.stringContaining("gave up on your message after 1 attempt(s): boom") as string,
    });
  });
});

describe("Worker, when things on disk or in the mail go wrong", () => {
  it("a reply that cannot be sent counts as a failed attempt, then dead-letters the message and bounces", async () => {
    const noReplies = (mail: Maildir): Mailboxes =>
      new Proxy(mail, {
        get(target, key) {
          if (key === "send")
            return (m: Parameters<Maildir["send"]>[0]) => {
              if (m.auto === true && m.bounce !== true) throw new Error("no space left on device");
              return target.send(m);
            };
          const value: unknown = Reflect.get(target, key);
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    const { mail, files, worker } = setup(answer, { maxAttempts: 2, wrap: noReplies });
    const sent = mail.send({ from: "shell", to: "w", body: "hello", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    await worker.run(new AbortController().signal, { once: true });
    expect(files.turns().map((t) => [t.attempt, t.exit, t.outcome])).toEqual([
      [1, "ok", "requeued"],
      [2, "ok", "dead"],
    ]);
    expect(files.turns()[0]?.error).toBe("the reply could not be sent: no space left on device");
    expect(mail.dead("w").map((m) => m.id)).toEqual([sent.id]);
    expect(mail.receive("shell")[0]).toMatchObject({
      bounce: true,
      replyTo: sent.id,
      body: expect.stringContaining("the reply could not be sent: no space left on device") as string,
    });
  });

  it("a store out of reach for a while (a networked one restarting) is waited out: the reply goes once and the message is acknowledged", async () => {
    // The reply and the ack each fail twice as a Redis restart would (retryable), then work.
    const failures = new Map<string, number>([
      ["send", 2],
      ["ack", 2],
    ]);
    const flaky = (mail: Maildir): Mailboxes =>
      new Proxy(mail, {
        get(target, key) {
          const value: unknown = Reflect.get(target, key);
          if (typeof value !== "function") return value;
          const f = (value as (...a: unknown[]) => unknown).bind(target);
          return (...args: unknown[]) => {
            const left = failures.get(String(key)) ?? 0;
            const auto = key !== "send" || (args[0] as { auto?: boolean }).auto === true;
            if (left > 0 && auto) {
              failures.set(String(key), left - 1);
              throw Object.assign(new Error("Redis at 127.0.0.1:1 is unreachable"), { retryable: true });
            }
            return f(...args);
          };
        },
      });
    const { mail, files, worker, said } = setup(answer, { wrap: flaky });
    const sent = mail.send({ from: "shell", to: "w", body: "hello", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(files.turns().map((t) => [t.attempt, t.exit, t.outcome])).toEqual([[1, "ok", "replied"]]);
    expect(mail.receive("shell").map((m) => m.replyTo)).toEqual([sent.id]);
    expect(mail.pending("w") + mail.claimed("w") + mail.dead("w").length).toBe(0);
    expect(said.filter((line) => line.startsWith("mailbox out of reach"))).toHaveLength(2);
    expect(said.filter((line) => line.startsWith("mailbox reachable again"))).toHaveLength(2);
  });

  it("a message whose every delivery ended the worker is dead-lettered at the next start, and its sender told", async () => {
    const { mail, worker, said } = setup(answer, { maxAttempts: 1 });
    const sent = mail.send({ from: "shell", to: "w", body: "crashes its reader", priority: "normal" });
    mail.receive("w"); // claimed by a worker that then died
    const stopped = new AbortController();
    stopped.abort();
    await worker.run(stopped.signal);
    expect(mail.dead("w").map((m) => m.id)).toEqual([sent.id]);
    expect(mail.receive("shell")[0]).toMatchObject({
      bounce: true,
      replyTo: sent.id,
      body: expect.stringContaining("the worker stopped while answering it") as string,
    });
    expect(said.join("\n")).not.toContain("requeued");
  });

  it("a file in cur/ that is not a message is quarantined at start; the worker answers the rest", async () => {
    const { mail, files, worker, said } = setup(answer);
    mkdirSync(join(mail.root, "w", "cur"), { recursive: true });
    writeFileSync(join(mail.root, "w", "cur", "0000000001-aaaaaaaaaa.json"), '{"id":"0000000001-aa');
    mail.send({ from: "shell", to: "w", body: "hello", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(files.turns()[0]).toMatchObject({ exit: "ok", outcome: "replied" });
    expect(mail.quarantined("w").map((q) => q.file)).toEqual(["0000000001-aaaaaaaaaa.json"]);
    expect(said).toContain("quarantined 1 claimed file(s) that are not messages (subagent-mcp mail w)");
  });

  it("a corrupted saved session is set aside with a warning and a new session starts", async () => {
    const { mail, files, driver, worker, said } = setup(answer);
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.sessionPath, '{"provider":"claude","sessionId":"s-');
    mail.send({ from: "shell", to: "w", body: "hello", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(driver.specs[0]?.resume).toBeUndefined();
    expect(said.find((l) => l.startsWith("warning: "))).toMatch(
      /session\.json is not a saved session .*; moved to .*session\.json\.corrupt-\d+, starting a new session$/,
    );
    const aside = readdirSync(files.dir).find((f) => f.startsWith("session.json.corrupt-"));
    expect(aside !== undefined && readFileSync(join(files.dir, aside), "utf8")).toBe('{"provider":"claude","sessionId":"s-');
    expect(files.loadSession()).toMatchObject({ sessionId: "s-1" });
  });

  it("a saved-session path that is not a file does not stop the worker", async () => {
    const { mail, files, worker } = setup(answer);
    mkdirSync(files.sessionPath, { recursive: true });
    mail.send({ from: "shell", to: "w", body: "hello", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(files.turns()[0]).toMatchObject({ exit: "ok", outcome: "replied" });
    expect(files.loadSession()).toMatchObject({ sessionId: "s-1" });
  });

  it("a turn-log line cut by a crash is skipped, and the next entry starts on its own line", async () => {
    const { mail, files, worker } = setup(answer);
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.logPath, '{"at":"2026-01-01T00:00:00.000Z","worker":"w","mess');
    mail.send({ from: "shell", to: "w", body: "hello", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(files.turns().map((t) => t.outcome)).toEqual(["replied"]);
    expect(existsSync(files.logPath) && readFileSync(files.logPath, "utf8").split("\n")[0]).toBe('{"at":"2026-01-01T00:00:00.000Z","worker":"w","mess');
  });
});
