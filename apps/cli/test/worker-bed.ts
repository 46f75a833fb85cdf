import { cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import type { ResultPromise } from "execa";
import { join } from "node:path";
import { afterEach } from "vitest";
import { withUserConfig } from "./e2e.js";

/** A worker's test bed: Claude Code's fake model, a loopback environment with the user's config, a state folder. */
export interface ClaudeWorkerBed {
  fake: FakeModelServer;
  env: CliEnvironment;
  /** XDG_STATE_HOME of the worker and of the `subagent-mcp` commands (our state is its `subagent-mcp` folder). */
  state: string;
  /** The environment the worker and the commands run with. */
  vars: Record<string, string>;
  /** The processes to kill after the test (startWorker's `running`). */
  running: ResultPromise[];
}

/** Makes beds for the tests of this file, each ended after its test: its processes killed, its environment and fake gone. */
export function claudeWorkerBeds(): (config: Record<string, unknown>) => Promise<ClaudeWorkerBed> {
  const beds: ClaudeWorkerBed[] = [];
  afterEach(async () => {
    for (const bed of beds.splice(0)) {
      const procs = bed.running.splice(0);
      for (const p of procs) p.kill("SIGKILL");
      await Promise.allSettled(procs);
      await bed.env.cleanup();
      await bed.fake.stop();
    }
  });
  return async (config) => {
    const fake = await startFakeFor("claude");
    const env = await loopbackEnv("claude", fake);
    const state = join(env.home, "state");
    const bed = { fake, env, state, vars: { ...env.env, XDG_STATE_HOME: state, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") }, running: [] };
    beds.push(bed);
    withUserConfig(config)(env);
    return bed;
  };
}
