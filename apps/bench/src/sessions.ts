import type { AgentEvent, Driver, Session } from "@subagent-mcp/core";
import { acpAgents, driverFor } from "@subagent-mcp/drivers";
import { loopbackEnv, pinnedCliOptions, startFakeFor, type CliEnvironment, type CliName as Provider, type FakeModelServer } from "@subagent-mcp/testkit";

/** One provider's fake model, loopback environment and driver, for a benchmark. */
export interface Rig {
  provider: Provider;
  fake: FakeModelServer;
  env: CliEnvironment;
  driver: Driver;
  close(): Promise<void>;
}

/** Builds the rig: the real pinned CLI, pointed only at the fake on 127.0.0.1. */
export async function rig(provider: Provider): Promise<Rig> {
  const fake = await startFakeFor(provider);
  const env = await loopbackEnv(provider, fake);
  const options = pinnedCliOptions(env);
  // The same mapping the server uses: an ACP agent from its preset.
  const driver = driverFor(provider, options, acpAgents());
  return {
    provider,
    fake,
    env,
    driver,
    close: async () => {
      await fake.stop();
      await env.cleanup();
    },
  };
}

/** A started session whose turn ends can be awaited one after another. */
export interface TimedSession {
  session: Session;
  /** Sends `text` and resolves with the milliseconds until its turn ended. */
  turn(text: string): Promise<number>;
  /** performance.now() of the last turn_end the driver delivered. */
  lastTurnEndAt(): number;
}

/** Starts a session on the rig; turn timings are measured from send to `turn_end`. */
export function startSession(r: Rig): TimedSession {
  let onEnd: ((event: Extract<AgentEvent, { type: "turn_end" }>) => void) | undefined;
  let failure: string | undefined;
  let endedAt = 0;
  const session = r.driver.start({ cwd: r.env.cwd }, (event) => {
    if (event.type === "turn_end") {
      endedAt = performance.now();
      onEnd?.(event);
    }
    if (event.type === "exit") failure = `${r.provider} exited (${String(event.code ?? event.signal)})`;
  });
  return {
    session,
    lastTurnEndAt: () => endedAt,
    turn: (text) =>
      new Promise((resolve, reject) => {
        if (failure !== undefined) {
          reject(new Error(failure));
          return;
        }
        const t0 = performance.now();
        onEnd = (event) => {
          onEnd = undefined;
          if (event.isError) reject(new Error(`${r.provider} turn failed: ${event.result}`));
          else resolve(performance.now() - t0);
        };
        session.send(text);
      }),
  };
}
