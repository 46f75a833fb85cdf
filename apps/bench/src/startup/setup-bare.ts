// launch_agent -> the sub-agent's first model request, three ways, taken in turn run by run in the
// same minute: (a) the server in a HOME without `setup`; (b) in one where `setup --host` was run for
// every CLI, so that each sub-agent is handed our endpoint under the name of the user's entry of
// ours; (c) the same CLI started bare by its driver (its own flags, the server's sandbox and
// niceness, the environment the server gives it), with no server of ours at all. SUBAGENT_MCP_AGENT_NICE,
// when set, is the agents' niceness in all three (0 where other work keeps the cores busy: at the
// default 19 the CLIs get only what that work leaves).
import { loadavg } from "node:os";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { DEFAULT_AGENT_NICE, sandboxSetting, type BuiltinProvider as Provider } from "@subagent-mcp/contract";
import type { AgentEvent, Driver } from "@subagent-mcp/core";
import { acpAgents, driverFor } from "@subagent-mcp/drivers";
import { createSandbox } from "@subagent-mcp/sandbox";
import { cliExecutable, type RecordedRequest } from "@subagent-mcp/testkit";
import { mcpRig, serverEnv, type McpRig } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

const PROVIDERS: Provider[] = ["claude", "codex", "gemini"];
const VARIANTS = ["without", "withSetup", "bare"] as const;
type Variant = (typeof VARIANTS)[number];

/** One CLI's three series and how they compare. */
export interface SetupBareRow {
  provider: Provider;
  /** (a) launch_agent -> first model request, no `setup` in the HOME. */
  without: Summary;
  /** (b) the same with `setup --host` done for every CLI in the HOME. */
  withSetup: Summary;
  /** (c) driver.start -> first model request, the CLI alone. */
  bare: Summary;
  /** Median (b) over median (a): what setup costs a launch now that no server of ours is started for it. */
  setupOverWithout: number;
  /** Median (a) over median (c): what the server adds to the CLI's own start. */
  withoutOverBare: number;
  /** Runs whose first request named our launch_agent tool to the model, (b) and (a) (expected: all, none). */
  ownToolsOffered: { withSetup: number; without: number };
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** The first request of `fake` that carries `marker`, with its receipt time. */
function firstWith(requests: readonly RecordedRequest[], marker: string): RecordedRequest & { receivedAt: number } {
  const first = requests.find((q) => q.lastUserText.includes(marker) && q.receivedAt !== undefined);
  if (first?.receivedAt === undefined) throw new Error(`the model never saw ${marker}`);
  return first as RecordedRequest & { receivedAt: number };
}

// Our launch_agent reached the model: among its tools, or (deferred by Claude Code's tool search, described by Codex) named in the request.
const offersLaunch = (q: RecordedRequest): boolean => JSON.stringify(q.body).includes("launch_agent");

// launch_agent -> the first model request carrying `marker` (the fake's clock is ours), then the agent killed.
async function viaServer(r: McpRig, provider: Provider, marker: string): Promise<{ ms: number; offered: boolean }> {
  const t0 = performance.now();
  const { agent_id: id } = await r.call<{ agent_id: string }>("launch_agent", { provider, prompt: marker });
  await r.call("wait", { agent_ids: [id], timeout_s: 120 });
  const first = firstWith(r.fakes[provider].requests, marker);
  await r.call("kill_agent", { agent_id: id });
  return { ms: first.receivedAt - t0, offered: offersLaunch(first) };
}

/** The drivers as the server makes them for the rig's CLIs (executable, niceness, sandbox, environment). */
function bareDrivers(r: McpRig, nice: number): Record<Provider, Driver> {
  // What the server's CLIs inherit: the stdio client's default variables under the rig's.
  const env = { ...getDefaultEnvironment(), ...serverEnv(r.env) };
  const setting = sandboxSetting(env, undefined);
  if ("error" in setting) throw new Error(setting.error);
  const sandbox = createSandbox({ sandbox: setting.mode }, env);
  const of = (p: Provider): Driver => driverFor(p, { executable: cliExecutable(p), env, extendEnv: false, nice, sandbox }, acpAgents());
  return { claude: of("claude"), codex: of("codex"), gemini: of("gemini") };
}

// driver.start + the prompt -> the first model request carrying `marker`; the turn awaited, the session killed.
async function bare(r: McpRig, driver: Driver, provider: Provider, marker: string): Promise<{ ms: number; offered: boolean }> {
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const onEvent = (event: AgentEvent): void => {
    if (event.type === "turn_end") {
      if (event.isError) settle?.reject(new Error(`${provider} bare turn failed: ${event.result}`));
      else settle?.resolve();
    }
    if (event.type === "exit") settle?.reject(new Error(`${provider} exited (${String(event.code ?? event.signal)})`));
  };
  const t0 = performance.now();
  const session = driver.start({ cwd: r.env.cwd }, onEvent);
  try {
    session.send(marker);
    const timeout = setTimeout(() => settle?.reject(new Error(`${provider}: no turn end in 120 s`)), 120_000);
    await ended.finally(() => {
      clearTimeout(timeout);
    });
  } finally {
    await session.kill();
  }
  const first = firstWith(r.fakes[provider].requests, marker);
  return { ms: first.receivedAt - t0, offered: offersLaunch(first) };
}

/**
 * (a), (b) and (c) for each CLI, `runs` times each after one uncounted round (first loads, the
 * page cache), the order of the three turned by one every run, all in the same minutes.
 */
export async function setupVsBare(runs: number): Promise<{ rows: SetupBareRow[]; loadAverage: { start: number; end: number }; nice: number }> {
  const start = loadavg()[0] ?? 0;
  const niceVar = process.env.SUBAGENT_MCP_AGENT_NICE;
  const nice = niceVar === undefined || niceVar === "" ? DEFAULT_AGENT_NICE : Number(niceVar);
  // The servers are handed it by the rig.
  const plain = await mcpRig();
  const setUp = await mcpRig({}, PROVIDERS);
  try {
    const drivers = bareDrivers(plain, nice);
    const one = (variant: Variant, provider: Provider, marker: string): Promise<{ ms: number; offered: boolean }> =>
      variant === "bare" ? bare(plain, drivers[provider], provider, marker) : viaServer(variant === "withSetup" ? setUp : plain, provider, marker);
    const ms = new Map<string, number[]>();
    const offered = new Map<string, number>();
    for (let i = -1; i < runs; i += 1) {
      for (const [p, provider] of PROVIDERS.entries()) {
        const turn = (((i + p) % VARIANTS.length) + VARIANTS.length) % VARIANTS.length;
        for (const variant of [...VARIANTS.slice(turn), ...VARIANTS.slice(0, turn)]) {
          const out = await one(variant, provider, `first-${variant}-${provider}-${i}-${Math.random().toString(36).slice(2, 8)}`);
          if (i < 0) continue;
          const key = `${provider}/${variant}`;
          ms.set(key, [...(ms.get(key) ?? []), out.ms]);
          if (out.offered) offered.set(key, (offered.get(key) ?? 0) + 1);
        }
      }
    }
    const rows = PROVIDERS.map((provider) => {
      const [without, withSetup, bareRun] = VARIANTS.map((v) => summarize(ms.get(`${provider}/${v}`) ?? []));
      const a = without as Summary;
      const b = withSetup as Summary;
      const c = bareRun as Summary;
      return {
        provider,
        without: a,
        withSetup: b,
        bare: c,
        setupOverWithout: ratio(b.median, a.median),
        withoutOverBare: ratio(a.median, c.median),
        ownToolsOffered: { withSetup: offered.get(`${provider}/withSetup`) ?? 0, without: offered.get(`${provider}/without`) ?? 0 },
      };
    });
    return { rows, loadAverage: { start: Math.round(start * 100) / 100, end: Math.round((loadavg()[0] ?? 0) * 100) / 100 }, nice };
  } finally {
    await Promise.all([plain.close(), setUp.close()]);
  }
}
