import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { Signer, commandStream } from "@subagent-mcp/fleet";
import { connectRedis } from "@subagent-mcp/mailbox-redis";
import { cliExecutable, spawnFleetNode, type CliEnvironment, type FakeModelServer, type RedisServer, type RunningNode } from "@subagent-mcp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, startE2E, waitFor, type E2E } from "./e2e.js";
import { startFleetBed, stopNode, type FleetBed } from "./fleet-bed.js";

// What lets a launch run stays out of every sub-agent's reach. A real node b (its key in its 0600
// file, the Redis URL with its password in its user config, neither in its environment) lends the
// real Claude Code to orchestrator A over a real redis-server that needs a password; b's sub-agent,
// free to run Bash, dumps its environment, the environment of every process above it (the node's
// among them) and tries to cat the key file: nothing the model gets back holds the key or the password.
const KEY = "fleet-secret-key-7731-abcdefghijkl";
const PASSWORD = "redis-pass-9921-secret";

let bed: FleetBed;
let redis: RedisServer;
let fake: FakeModelServer;
let envB: CliEnvironment;
let node: RunningNode;
let a: E2E;

const url = (): string => redis.url.replace("redis://", `redis://:${PASSWORD}@`);
const configDir = (env: CliEnvironment): string => join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
const keyFile = (env: CliEnvironment): string => join(configDir(env), "fleet.key");

/** The fleet's secrets where they belong: the key in its private file, the Redis URL in the user config. */
function writeSecrets(env: CliEnvironment, config: Record<string, unknown> = {}): void {
  mkdirSync(configDir(env), { recursive: true });
  writeFileSync(keyFile(env), `${KEY}\n`, { mode: 0o600 });
  writeFileSync(join(configDir(env), "config.json"), JSON.stringify({ ...config, mailbox: { url: url() } }), { mode: 0o600 });
}

const nodeEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...envB.env,
  SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
  // Claude Code would defer a handful of MCP tools behind its tool search; the fake model calls them directly.
  ENABLE_TOOL_SEARCH: "false",
  ...extra,
});

const startNode = (): Promise<RunningNode> => spawnFleetNode(bin, envB, "b", nodeEnv());

beforeAll(async () => {
  bed = await startFleetBed(KEY, PASSWORD);
  redis = bed.redis;
  ({ claude: fake } = await bed.fakes("claude"));
  envB = await bed.env({ claude: fake });
  writeSecrets(envB, { fleet: { roots: [envB.cwd] } });
  node = bed.own(await startNode(), stopNode);
  // Debugging runs here first, then on b.
  const prepare = (env: CliEnvironment): void => {
    writeSecrets(env, { routing: { table: { debugging: { cost_efficiency: [{ provider: "claude" }, { provider: "claude", machine: "b" }] } } } });
  };
  a = bed.own(await startE2E({}, prepare), (s) => s.close());
}, 120_000);

afterAll(async () => {
  await bed.close();
});

/** Every tool result and message b's model received, as one text. */
const seenByModel = (): string => JSON.stringify(fake.requests.map((r) => r.messages));

describe("the fleet's secrets stay out of a sub-agent's reach", () => {
  it("a node refuses to start with the key or a Redis password in its environment, saying where they go", { timeout: 60_000 }, async () => {
    for (const [extra, said] of [
      [
        { SUBAGENT_MCP_FLEET_KEY: KEY },
        `SUBAGENT_MCP_FLEET_KEY is set in the environment, where sub-agents can read it (/proc/PID/environ): write the key to ${keyFile(envB)}`,
      ],
      [
        { SUBAGENT_MCP_MAILBOX_URL: url() },
        `SUBAGENT_MCP_MAILBOX_URL carries a password, in the environment where sub-agents can read it (/proc/PID/environ): put the URL in ${join(configDir(envB), "config.json")}`,
      ],
    ] as const) {
      const run = await execa(process.execPath, [bin, "node", "--name", "refused"], { cwd: envB.cwd, env: nodeEnv(extra), extendEnv: false, reject: false });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain(`node: refusing to start: ${said}`);
      expect(run.stderr).not.toContain(PASSWORD);
    }
  });

  it(
    "b's sub-agent reads its environment and every parent's, and tries the key file: neither the key nor the password comes back",
    { timeout: 240_000 },
    async () => {
      const nodePid = node.proc.pid as number;
      // Each process from the shell up to init: its pid, then the variables of its environment that
      // could hold a key, a password or a URL (the whole of each, under pnpm and turbo, passes the
      // size over which Claude Code shows its model only a preview).
      const walk = `p=$$; while [ "$p" -gt 1 ]; do echo "pid=$p"; tr '\\0' '\\n' < /proc/$p/environ | grep -iE 'subagent|redis|key|pass|token|secret|url'; p=$(cut -d')' -f2 /proc/$p/stat | cut -d' ' -f3); done`;
      const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
        provider: "claude",
        machine: "b",
        cwd: envB.cwd,
        // A mode in which the CLI never asks: the built-in deny rules hold there too.
        permission_mode: "dontAsk",
        allowed_tools: ["Bash"],
        prompt: "[[shell:env]]",
      });
      const turns: string[] = [];
      turns.push((await waitFor(a, agent_id, (out) => out.finished[0])).result ?? "");
      for (const command of [walk, `tr '\\0' '\\n' < /proc/${String(nodePid)}/environ`, `cat ${keyFile(envB)}`, `base64 ${keyFile(envB)}`]) {
        await a.call("send_message", { agent_id, message: `[[shell:${command}]]` });
        turns.push((await waitFor(a, agent_id, (out) => out.finished[0])).result ?? "");
      }
      const seen = seenByModel();
      // The commands ran and their output reached the model: the environment, the node's among the parents'.
      expect(seen).toContain("SUBAGENT_MCP_DEPTH=");
      expect(seen).toContain(`pid=${String(nodePid)}`);
      expect(seen).toContain("SUBAGENT_MCP_CLAUDE_PATH=");
      expect(seen).not.toContain(KEY);
      // The key file is refused by the node's own rules, in a mode that never asks.
      expect(node.stderr()).toContain("refused Bash");
      expect(seen).not.toContain(Buffer.from(`${KEY}\n`).toString("base64").slice(0, 20));
      expect(seen).not.toContain(PASSWORD);
      expect(turns.join("\n")).not.toContain(KEY);
      await a.call("kill_agent", { agent_id });
    },
  );

  it(
    "b's sub-agent, in b's OS sandbox, greps the config folder and runs our CLI as an orchestrator: no key, no password, no fleet to command",
    { timeout: 240_000 },
    async () => {
      const config = configDir(envB);
      const steps = [
        `grep -r . ${config}`,
        `find ${config} -type f -exec cat {} +`,
        `${process.execPath} ${bin} machines 2>&1`,
        `printf 'sandboxed-%s' "$SUBAGENT_MCP_SANDBOXED"`,
      ];
      const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
        provider: "claude",
        machine: "b",
        cwd: envB.cwd,
        permission_mode: "dontAsk",
        allowed_tools: ["Bash"],
        prompt: `${steps.map((c) => `[[shell:${c}]]`).join(" ")} [[say:tried]]`,
      });
      expect((await waitFor(a, agent_id, (out) => out.finished[0])).result).toContain("tried");
      const seen = seenByModel();
      // The commands ran, in the sandbox: the user's config shows without its mailbox, so our CLI finds no fleet.
      expect(seen).toContain("sandboxed-bwrap");
      expect(seen).toContain("roots");
      expect(seen).not.toContain(KEY);
      expect(seen).not.toContain(PASSWORD);
      expect(seen).not.toMatch(/NAME\s+HOST\s+LOAD/);
      await a.call("kill_agent", { agent_id });
    },
  );

  it(
    "b's sub-agent messages its parent through b's own messaging server, whose address holds neither the key nor the password",
    { timeout: 240_000 },
    async () => {
      fake.script((request, nonce) => {
        if (!request.messages.some((m) => m.text.includes("need a color"))) return undefined;
        // Its parent, as its prompt names it.
        const parent = /started by "([^"]+)"/.exec(request.messages.find((m) => m.role === "system")?.text ?? "")?.[1] ?? "nobody";
        const last = request.messages.at(-1)?.text ?? "";
        if (!request.afterToolResult) return { kind: "tool", name: "mcp__mailbox__send_to", input: { to: parent, message: "which color, from b?" } };
        // send_to answered: now block until the parent answers.
        if (!last.includes('"messages"')) return { kind: "tool", name: "mcp__mailbox__wait_inbox", input: { timeout_s: 120 } };
        return { kind: "text", text: `${nonce} parent said: ${last}` };
      });
      try {
        const launched = await a.call<{ agent_id: string; mailbox?: string; machine?: string }>("launch_agent", {
          provider: "claude",
          machine: "b",
          cwd: envB.cwd,
          permission_mode: "dontAsk",
          allowed_tools: ["Bash"],
          prompt: "paint it, but you need a color from me",
        });
        expect(launched).toMatchObject({ machine: "b", mailbox: launched.agent_id });
        // The parent's wait says a message waits; its inbox holds it, from the sub-agent on b.
        const woke = await a.call<{ messages_waiting?: number; still_running: string[] }>("wait", { agent_ids: [launched.agent_id], timeout_s: 120 });
        expect(woke.messages_waiting).toBe(1);
        expect(woke.still_running).toEqual([launched.agent_id]);
        const inbox = await a.call<{ messages: { message_id: string; from: string; body: string; thread_id: string }[] }>("inbox");
        expect(inbox.messages[0]).toMatchObject({ from: launched.agent_id, body: "which color, from b?" });
        const question = inbox.messages[0];
        await a.call("reply", { message_id: question?.message_id, to: launched.agent_id, message: "use blue", thread_id: question?.thread_id });
        // The reply reaches it on b: its wait_inbox returns it, and its answer quotes it.
        const done = await waitFor(a, launched.agent_id, (out) => out.finished[0]);
        expect(done.result).toContain(`${fake.nonce} parent said:`);
        expect(done.result).toContain("use blue");
        // Its CLI's command line and environment (and every parent's up to b's node) hold no secret: its messaging
        // server is an address on b. The walk stops at the node: above it are the test runner's processes, whose
        // command lines can pass the size over which Claude Code shows its model only the first 2 KB.
        fake.script(undefined);
        const nodePid = String(node.proc.pid);
        const walk = `p=$PPID; while [ "$p" -gt 1 ]; do echo "pid=$p"; tr '\\0' ' ' < /proc/$p/cmdline; echo; tr '\\0' '\\n' < /proc/$p/environ; [ "$p" = ${nodePid} ] && break; p=$(cut -d')' -f2 /proc/$p/stat | cut -d' ' -f3); done`;
        await a.call("send_message", { agent_id: launched.agent_id, message: `[[shell:${walk}]]` });
        await waitFor(a, launched.agent_id, (out) => out.finished[0]);
        const seen = seenByModel();
        const walked = JSON.stringify(fake.requests.at(-1)?.messages.at(-1));
        expect(walked).not.toContain("Output too large");
        expect(walked).toContain(`pid=${nodePid}`);
        expect(walked).toContain("--mcp-config");
        expect(seen).not.toContain(KEY);
        expect(seen).not.toContain(PASSWORD);
        await a.call("kill_agent", { agent_id: launched.agent_id });
      } finally {
        fake.script(undefined);
      }
    },
  );

  it("an agent that fails over from here onto b keeps its mailbox: b serves it there", { timeout: 240_000 }, async () => {
    a.fakes.claude.script((request) => (request.lastUserText.includes("overloaded here") ? { kind: "error", status: 529, message: "Overloaded" } : undefined));
    fake.script((request, nonce) => {
      if (!request.lastUserText.includes("overloaded here")) return undefined;
      const parent = /started by "([^"]+)"/.exec(request.messages.find((m) => m.role === "system")?.text ?? "")?.[1] ?? "nobody";
      if (!request.afterToolResult) return { kind: "tool", name: "mcp__mailbox__send_to", input: { to: parent, message: "hello from the fallback on b" } };
      return { kind: "text", text: `${nonce} sent` };
    });
    try {
      const launched = await a.call<{ agent_id: string; machine?: string }>("launch_agent", {
        task_category: "debugging",
        cwd: envB.cwd,
        prompt: "overloaded here",
      });
      expect(launched.machine).toBeUndefined();
      const turn = await waitFor(a, launched.agent_id, (out) => out.finished[0]);
      expect(turn.result).toContain(`${fake.nonce} sent`);
      expect((await a.call<{ machine?: string }>("poll_agent", { agent_id: launched.agent_id })).machine).toBe("b");
      const inbox = await a.call<{ messages: { from: string; body: string }[] }>("inbox");
      expect(inbox.messages).toEqual([expect.objectContaining({ from: launched.agent_id, body: "hello from the fallback on b" })]);
      await a.call("kill_agent", { agent_id: launched.agent_id });
    } finally {
      a.fakes.claude.script(undefined);
      fake.script(undefined);
    }
  });

  it("a node refuses a signed launch whose env sets NODE_OPTIONS, naming it and what is allowed", { timeout: 60_000 }, async () => {
    const { redis: client } = await connectRedis({ url: url() });
    try {
      const owner = `owner-${String(process.pid)}`;
      const agent = `evil-${String(Date.now())}`;
      const spec = { cwd: envB.cwd, env: { NODE_OPTIONS: "--require /tmp/evil.js" } };
      const signer = new Signer(KEY);
      await client.xadd(commandStream("b"), "*", ...signer.seal({ kind: "launch", agent, provider: "claude", owner, spec }, "b"));
      const events = `subagent-mcp:fleet:ev:${owner}`;
      let refused: { kind?: string; agent?: string; message?: string } | undefined;
      while (refused === undefined) {
        const read = await client.xread("BLOCK", 5_000, "STREAMS", events, "0");
        const bodies = (read?.[0]?.[1] ?? []).map(([, fields]) => JSON.parse(fields[fields.indexOf("m") + 1] ?? "{}") as typeof refused);
        refused = bodies.find((b) => b?.kind === "refused" && b.agent === agent);
      }
      expect(refused.message).toContain("a launch may not set the environment variable NODE_OPTIONS: its env may set only SUBAGENT_MCP_DEPTH");
    } finally {
      client.disconnect();
    }
  });
});
