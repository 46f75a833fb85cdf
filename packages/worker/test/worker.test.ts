import type { AgentEvent, Driver, Session, SessionSpec } from "@subagent-mcp/core";
import { Maildir } from "@subagent-mcp/mailbox";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
        send: (text) => { behaviour(text, emit, spec); },
        interrupt: () => { emit({ type: "turn_end", result: "", isError: false, interrupted: true, usage, durationMs: 1 }); return Promise.resolve(); },
        reset: () => Promise.resolve(),
        close: () => { emit({ type: "exit", code: 0, signal: null }); alive = false; return Promise.resolve(); },
        kill: () => { emit({ type: "exit", code: null, signal: "SIGKILL" }); alive = false; return Promise.resolve(); },
      };
    },
  };
}

function setup(behaviour: Behaviour, options: { turnTimeoutMs?: number; maxAttempts?: number } = {}) {
  const root = mkdtempSync(join(tmpdir(), "worker-"));
  const mail = new Maildir(join(root, "mail"), { pollMs: 20, ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }) });
  const files = new WorkerFiles(join(root, "workers", "w"));
  const driver = fakeDriver(behaviour);
  const worker = new Worker({ name: "w", mail, driver, files, spec: { cwd: root }, retryBaseMs: 1, turnTimeoutMs: options.turnTimeoutMs ?? 5_000 });
  return { mail, files, driver, worker };
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
    const { mail, files, worker } = setup((text, emit, spec) => { finish = () => { answer(text, emit, spec); }; });
    mail.send({ from: "shell", to: "w", body: "slow", priority: "normal" });
    const stop = new AbortController();
    const running = worker.run(stop.signal);
    while (finish === undefined) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    finish();
    await running;
    expect(files.turns()[0]).toMatchObject({ exit: "ok", outcome: "replied" });
  });

  it("allows one live worker per mailbox and takes over a dead one's lock", () => {
    const files = new WorkerFiles(join(mkdtempSync(join(tmpdir(), "worker-lock-")), "w"));
    const first = files.lock();
    expect(first.ok).toBe(true);
    expect(files.lock(process.pid + 1_000_000)).toEqual({ ok: false, holder: process.pid });
    if (first.ok) first.release();
    // A lock whose holder is gone is taken over.
    const stale = files.lock(2 ** 22 + 12345);
    expect(stale.ok).toBe(true);
    expect(files.lock().ok).toBe(true);
  });

  it("tells the sender when it gives up on a message", async () => {
    const { mail, files, worker } = setup((_text, emit) => { emit({ type: "turn_end", result: "boom", isError: true, usage, durationMs: 1 }); }, { maxAttempts: 1 });
    const sent = mail.send({ from: "shell", to: "w", body: "fails", priority: "normal" });
    await worker.run(new AbortController().signal, { once: true });
    expect(files.turns()[0]).toMatchObject({ exit: "error", outcome: "dead", error: "boom" });
    expect(mail.receive("shell")[0]).toMatchObject({ from: "w", bounce: true, auto: true, replyTo: sent.id, body: expect.stringContaining("gave up on your message after 1 attempt(s): boom") as string });
  });
});
