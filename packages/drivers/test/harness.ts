import type { AgentEvent, Session, SessionSpec } from "@subagent-mcp/core";
import {
  lastLines,
  locateCli,
  loopbackEnv,
  startFakeFor,
  type CliEnvironment,
  type CliName as Provider,
  type CliVersionName,
  type FakeModelServer,
} from "@subagent-mcp/testkit";
import { acpAgents, driverFor, type CliDriver } from "../src/index.js";
import type { CliDriverOptions } from "../src/driver/options.js";

type TurnEnd = Extract<AgentEvent, { type: "turn_end" }>;

/** A real CLI session against its fake, with every event recorded and awaitable. */
export interface Harness {
  provider: Provider;
  fake: FakeModelServer;
  env: CliEnvironment;
  driver: CliDriver;
  events: AgentEvent[];
  start(spec?: Partial<SessionSpec>): Session;
  /** Resolves with the first event (after `from`) that matches, or rejects naming the CLI and step. */
  next<T extends AgentEvent>(step: string, match: (e: AgentEvent) => e is T, from?: number, timeoutMs?: number): Promise<T>;
  turnEnd(step: string, from?: number, timeoutMs?: number): Promise<TurnEnd>;
  close(): Promise<void>;
}

/** `version`: which installed release of the CLI (default: SUBAGENT_MCP_TEST_CLI_VERSION, else the pinned one); `options`: the driver's, over the test's. */
export async function harness(provider: Provider, version?: CliVersionName, options: CliDriverOptions = {}): Promise<Harness> {
  const fake = await startFakeFor(provider);
  const env = await loopbackEnv(provider, fake);
  const found = locateCli(provider, version);
  const driver = driverFor(provider, { executable: found.command, executableArgs: found.args, env: env.env, extendEnv: false, ...options }, acpAgents());
  const events: AgentEvent[] = [];
  const listeners = new Set<() => void>();
  const sessions: Session[] = [];

  const h: Harness = {
    provider,
    fake,
    env,
    driver,
    events,
    start(spec = {}) {
      const session = driver.start({ cwd: env.cwd, ...spec }, (event) => {
        events.push(event);
        for (const l of [...listeners]) l();
      });
      sessions.push(session);
      return session;
    },
    next(step, match, from = 0, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.slice(from).find(match);
          if (found === undefined) return false;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(found as never);
          return true;
        };
        const listener = (): void => {
          check();
        };
        const timer = setTimeout(() => {
          listeners.delete(listener);
          const seen = events.map((e) => e.type).join(",");
          const log = fake.requests.map((r) => `${r.method} ${r.path} -> ${r.reply}`).join("\n");
          reject(
            new Error(
              `${provider}: step "${step}" timed out after ${timeoutMs} ms; events: ${seen}\nfake log:\n${lastLines(log)}\nerrors: ${events
                .filter((e) => e.type === "error")
                .map((e) => JSON.stringify(e))
                .join("\n")}`,
            ),
          );
        }, timeoutMs);
        if (!check()) listeners.add(listener);
      });
    },
    turnEnd(step, from = 0, timeoutMs = 60_000) {
      return h.next(step, (e): e is TurnEnd => e.type === "turn_end", from, timeoutMs);
    },
    async close() {
      await Promise.all(sessions.map((s) => s.kill()));
      await fake.stop();
      await env.cleanup();
    },
  };
  return h;
}
