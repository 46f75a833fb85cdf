import type { AgentEvent } from "@subagent-mcp/core";
import type { CliName as Provider, CliVersionName } from "@subagent-mcp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { descendants } from "../src/internal/tree.js";
import { processAlive } from "@subagent-mcp/state";
import { harness, type Harness } from "./harness.js";

type ErrorEvent = Extract<AgentEvent, { type: "error" }>;
const isError = (e: AgentEvent): e is ErrorEvent => e.type === "error";
const isExit = (e: AgentEvent): e is Extract<AgentEvent, { type: "exit" }> => e.type === "exit";

/** The behaviour every driver must show against its real CLI and fake model; `version` picks the installed release. */
export function driverSuite(
  provider: Provider,
  /** `silentOn`: model statuses after which the CLI itself never ends its turn (a known bug of that CLI; stall detection covers it). */
  options: { permissionMode?: string; version?: CliVersionName; silentOn?: number[] } = {},
): void {
  describe(`${provider} driver against the real CLI${options.version === undefined ? "" : ` (${options.version})`}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await harness(provider, options.version);
    });
    afterEach(async () => {
      await h.close();
    });
    const start = () => h.start(options.permissionMode === undefined ? {} : { permissionMode: options.permissionMode });

    it("runs several turns in one process, with the fake's nonce and usage", async () => {
      const session = start();
      session.send("first question");
      const t1 = await h.turnEnd("turn 1");
      expect(t1.result).toContain(h.fake.nonce);
      expect(t1.result).toContain("first question");
      const started = h.events.find((e) => e.type === "started");
      expect(started).toMatchObject({ type: "started", sessionId: expect.any(String) as string });
      const pid = session.pid;
      const mark = h.events.length;
      session.send("second question");
      const t2 = await h.turnEnd("turn 2", mark);
      expect(t2.result).toContain("second question");
      expect(t2.isError).toBe(false);
      expect(session.pid).toBe(pid);
      // Usage equals what the fake reported for the requests of that turn.
      const main = h.fake.requests.filter((r) => r.usage !== undefined && r.lastUserText.includes("second question") && r.reply === "text");
      expect(main.length).toBeGreaterThan(0);
      expect(t2.usage.output).toBe(main.reduce((n, r) => n + (r.usage?.output ?? 0), 0));
      expect(t2.usage.input + t2.usage.cacheRead).toBe(main.reduce((n, r) => n + (r.usage?.input ?? 0), 0));
      // Cost, where the CLI reports it, is per turn: the second turn is not charged for the first.
      if (t1.costUsd !== undefined && t2.costUsd !== undefined) expect(t2.costUsd).toBeLessThan(t1.costUsd * 1.5);
    });

    it("answers a follow-up sent while busy after the current turn, in order, with history", async () => {
      const session = start();
      session.send("[[slow:1500]] alpha");
      session.send("beta");
      const t1 = await h.turnEnd("slow turn");
      const t2 = await h.turnEnd("follow-up", h.events.indexOf(t1) + 1);
      expect(t1.result).toContain("alpha");
      expect(t2.result).toContain("beta");
      const followUp = h.fake.requests.find((r) => r.lastUserText.includes("beta"));
      expect(followUp?.messages.some((m) => m.role === "user" && m.text.includes("alpha"))).toBe(true);
    });

    it("interrupt ends only the current turn; the session goes on", async () => {
      const session = start();
      session.send("[[slow:30000]] long task");
      await h.fake.waitForRequest((r) => r.reply === "slow", "slow request reached the fake");
      await session.interrupt();
      const cut = await h.turnEnd("interrupted turn", 0, 20_000);
      expect(cut.interrupted).toBe(true);
      const mark = h.events.length;
      session.send("after the interrupt");
      const next = await h.turnEnd("turn after interrupt", mark);
      expect(next.result).toContain("after the interrupt");
      expect(next.interrupted).toBeFalsy();
    });

    it("reset starts a fresh conversation in the same process; the next turn sees nothing before it", async () => {
      const session = start();
      session.send("secret word kumquat");
      await h.turnEnd("turn before reset");
      const pid = session.pid;
      const before = h.events.filter((e) => e.type === "started").length;
      await session.reset();
      expect(h.events.filter((e) => e.type === "started").length).toBe(before + 1);
      const mark = h.events.length;
      session.send("[[history]]");
      const after = await h.turnEnd("turn after reset", mark);
      expect(after.result).toContain("history:");
      expect(after.result).not.toContain("kumquat");
      expect(session.pid).toBe(pid);
      // The reset itself produced no turn of its own.
      expect(h.events.filter((e) => e.type === "turn_end")).toHaveLength(2);
    });

    it("kill leaves no process of the tree behind", async () => {
      const session = start();
      session.send("[[slow:30000]] busy");
      await h.fake.waitForRequest((r) => r.reply === "slow", "slow request reached the fake");
      const pid = session.pid as number;
      const tree = [pid, ...descendants(pid)];
      await session.kill();
      await h.next("exit after kill", isExit);
      expect(tree.filter((pid) => processAlive({ pid }))).toEqual([]);
    });

    it("its handshake proves the CLI answers the protocol without a model call", async () => {
      // A guard, not a target: OpenCode alone takes ~3 s to answer `initialize` on an idle 2-core machine.
      expect(await h.driver.handshake(75_000)).toBeGreaterThanOrEqual(0);
      expect((await h.driver.describe()).version).toMatch(/\d+\.\d+\.\d+/);
      expect(h.fake.requests.filter((r) => r.reply !== "none")).toEqual([]);
    });

    it("a CLI killed from outside mid-turn reports the reason promptly", async () => {
      const session = start();
      session.send("[[slow:30000]] doomed");
      await h.fake.waitForRequest((r) => r.reply === "slow", "slow request reached the fake");
      process.kill(session.pid as number, "SIGKILL");
      const error = await h.next("error after outside kill", isError, 0, 5_000);
      expect(error.message).toContain("SIGKILL");
      await h.next("exit after outside kill", isExit, 0, 5_000);
    });

    for (const [status, transient] of [
      [429, true],
      [529, true],
      [401, false],
    ] as const) {
      if (options.silentOn?.includes(status) === true) continue;
      it(`a model error ${status} surfaces with transient=${transient}`, async () => {
        const session = start();
        session.send(`[[error:${status}]] fail please`);
        const error = await h.next(`error ${status}`, isError, 0, 60_000);
        expect(error.transient).toBe(transient);
        const end = await h.turnEnd(`turn end after ${status}`, 0, 60_000);
        expect(end.isError).toBe(true);
      });
    }
  });
}
