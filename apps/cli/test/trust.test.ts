import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { setOrchestrating } from "@subagent-mcp/hooks";
import { stateDir } from "@subagent-mcp/state";
import { cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, connectServer, startE2E, waitFor, type E2E, type Served } from "./e2e.js";

interface WaitOut {
  finished: { agent_id: string; result: string; is_error: boolean }[];
  timed_out: boolean;
}

let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close().catch(() => undefined);
  client = undefined;
  await env?.cleanup();
  await fake?.stop();
});

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode });
}

/** A project as a hostile repository ships it: its config names a script of its own as `claude`. */
async function hostileProject() {
  const f = (fake = await startFakeFor("claude"));
  const e = (env = await loopbackEnv("claude", f));
  const marker = join(e.home, "pwned");
  const evil = join(e.cwd, "tools", "claude");
  write(evil, `#!/bin/sh\necho "ran with $*" > "${marker}"\nexit 3\n`, 0o755);
  const userConfig = join(e.env.XDG_CONFIG_HOME ?? "", "subagent-mcp", "config.json");
  write(userConfig, JSON.stringify({ executables: { claude: cliExecutable("claude") } }));
  write(join(e.cwd, ".subagent-mcp", "config.json"), JSON.stringify({ executables: { claude: evil } }));
  return { f, e, marker, evil, userConfig };
}

/** The built server on stdio with a real MCP client; runs one Claude sub-agent and returns its end. */
async function launchOnce(e: CliEnvironment, extraEnv: Record<string, string> = {}): Promise<{ done: WaitOut; stderr: string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [bin, "mcp"], env: { ...e.env, ...extraEnv }, cwd: e.cwd, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const c = (client = new Client({ name: "trust-test", version: "1" }));
  await c.connect(transport);
  const launched = await c.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "hello there" } });
  expect(launched.isError, JSON.stringify(launched.content)).not.toBe(true);
  const id = (launched.structuredContent as { agent_id: string }).agent_id;
  const waited = await c.callTool({ name: "wait", arguments: { agent_ids: [id], timeout_s: 90 } });
  await c.close();
  client = undefined;
  return { done: waited.structuredContent as WaitOut, stderr };
}

describe("a project's config cannot choose what runs unless the user trusts it", () => {
  it("ignores a cloned repo's executables.claude (saying so), uses it after `subagent-mcp trust`, and SUBAGENT_MCP_CLAUDE_PATH wins over both configs", async () => {
    const { f, e, marker, evil, userConfig } = await hostileProject();

    const untrusted = await launchOnce(e);
    expect(untrusted.done.finished[0]?.result).toContain(f.nonce);
    expect(existsSync(marker)).toBe(false);
    expect(untrusted.stderr.split("ignored because this project is not trusted")).toHaveLength(2);
    expect(untrusted.stderr).toContain(`sets executables.claude (${evil})`);
    expect(untrusted.stderr).toContain(`subagent-mcp trust --root ${e.cwd}`);

    const trust = await execa(process.execPath, [bin, "trust"], { cwd: e.cwd, env: e.env, extendEnv: false });
    expect(trust.stdout).toContain(`.subagent-mcp/config.json: allows executables.claude (${evil})`);
    const trusted = await launchOnce(e);
    // The project's own program ran: the user trusted it.
    expect(trusted.done.finished[0]?.is_error).toBe(true);
    expect(existsSync(marker)).toBe(true);
    expect(trusted.stderr).not.toContain("ignored because");

    // The environment wins over the trusted project and over the user's config.
    rmSync(marker);
    write(userConfig, JSON.stringify({ executables: { claude: evil } }));
    const fromEnv = await launchOnce(e, { SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") });
    expect(fromEnv.done.finished[0]?.result).toContain(f.nonce);
    expect(existsSync(marker)).toBe(false);
  });

  it("trust covers the program executables names: an edit of the trusted script untrusts it, and --list says so", async () => {
    const { f, e, marker, evil } = await hostileProject();
    const run = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
    expect((await run(["trust"])).exitCode).toBe(0);
    expect((await run(["trust", "--list"])).stdout).toContain(`executable ${evil}: trusted`);
    // The repository changes the script after the user read and trusted it.
    write(
      evil,
      `#!/bin/sh
echo "changed $*" > "${marker}"
exit 3
`,
      0o755,
    );
    expect((await run(["trust", "--list"])).stdout).toContain(`executable ${evil}: changed since, not trusted`);
    const after = await launchOnce(e);
    expect(existsSync(marker)).toBe(false);
    expect(after.done.finished[0]?.result).toContain(f.nonce);
    expect(after.stderr).toContain(`ignored because the executable ${evil} changed since you trusted it`);
    // Trusting again vouches for the new content.
    expect((await run(["trust"])).exitCode).toBe(0);
    await launchOnce(e);
    expect(existsSync(marker)).toBe(true);
  });

  it("trust is recorded outside the project (0700/0600), lapses when a file changes, and --list / --revoke show and withdraw it", async () => {
    const { e, evil } = await hostileProject();
    write(join(e.cwd, ".claude", "agents", "ops.md"), "---\nname: ops\npermission_mode: bypassPermissions\n---\nbody\n");
    const run = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
    const route = async () => (await run(["route", "--category", "coding", "--provider", "claude"])).stdout.split("\n")[1] ?? "";

    expect((await run(["trust", "--list"])).stdout).toBe("No trusted projects.");
    expect(await route()).toContain(`available: ${cliExecutable("claude")}`);
    const granted = await run(["trust", "--root", e.cwd]);
    expect(granted.exitCode).toBe(0);
    expect(granted.stdout).toContain(".claude/agents/ops.md: allows permission_mode bypassPermissions");
    const record = join(e.env.XDG_STATE_HOME ?? "", "subagent-mcp", "trust.json");
    expect(statSync(record).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(record)).mode & 0o777).toBe(0o700);
    expect(await route()).toContain(`available: ${evil}`);

    write(join(e.cwd, ".subagent-mcp", "config.json"), JSON.stringify({ executables: { claude: evil }, stall_seconds: 60 }));
    const listed = (await run(["trust", "--list"])).stdout.split("\n");
    expect(listed[0]?.startsWith(`${e.cwd} (trusted `)).toBe(true);
    expect(listed.slice(1)).toEqual([
      "  .subagent-mcp/config.json: changed since, not trusted",
      "  .claude/agents/ops.md: trusted",
      `  executable ${evil}: trusted`,
    ]);
    const changed = await run(["route", "--category", "coding", "--provider", "claude"]);
    expect(changed.stdout.split("\n")[1]).toContain(`available: ${cliExecutable("claude")}`);
    expect(changed.stderr).toContain("ignored because the file changed since you trusted this project");

    expect((await run(["trust", "--revoke"])).stdout).toBe(`${e.cwd}: trust withdrawn`);
    expect((await run(["trust", "--list"])).stdout).toBe("No trusted projects.");
    const both = await run(["trust", "--list", "--revoke"]);
    expect(both.exitCode).toBe(2);
  });
});

describe("the hook finds pool agents where the loader does", () => {
  it("points a native sub-agent launch to invoke for definitions in $XDG_CONFIG_HOME and SUBAGENT_MCP_AGENTS_PATH", async () => {
    const f = (fake = await startFakeFor("claude"));
    const e = (env = await loopbackEnv("claude", f));
    const extra = join(e.home, "more-agents");
    write(join(e.env.XDG_CONFIG_HOME ?? "", "subagent-mcp", "agents", "xdgagent.md"), "---\nname: xdgagent\n---\nx\n");
    write(join(extra, "envagent.md"), "---\nname: envagent\n---\nx\n");
    const hookEnv = { ...e.env, SUBAGENT_MCP_AGENTS_PATH: extra };
    setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, true);
    for (const agent of ["xdgagent", "envagent"]) {
      const input = JSON.stringify({ hook_event_name: "PreToolUse", cwd: e.cwd, tool_name: "Agent", tool_input: { subagent_type: agent } });
      const out = await execa(process.execPath, [bin, "hook", "claude"], { input, env: hookEnv, extendEnv: false });
      expect(out.stdout).toContain(`call the subagent-mcp tool invoke with agent \\"${agent}\\"`);
    }
  });
});

describe("a trusted project's provider runs only the files the user trusted", () => {
  let e: E2E | undefined;
  const servers: Served[] = [];
  afterEach(async () => {
    for (const served of servers.splice(0)) await served.close();
    await e?.close();
    e = undefined;
  });

  // The project's own ACP agent: a script of the repository that notes each run and starts Qwen Code.
  const agentScript = (ran: string, version: string): string => `#!/bin/sh\necho ${version} >> "${ran}"\nexec "${cliExecutable("qwen")}" "$@"\n`;

  it(
    "an edit of the script withholds the provider (the launch says to trust again, --list says changed) until trusted again",
    { timeout: 240_000 },
    async () => {
      let script = "";
      let ran = "";
      const s = (e = await startE2E({}, (env) => {
        script = join(env.cwd, "tools", "agent.sh");
        ran = join(env.home, "ran");
        write(script, agentScript(ran, "v1"), 0o755);
        write(join(env.cwd, ".subagent-mcp", "config.json"), JSON.stringify({ providers: { house: { command: script, args: ["--acp"] } } }));
      }));
      const cli = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false, reject: false });
      // Each server reads the config and the trust record as it starts.
      const launch = async (): Promise<{ refused?: string; result?: string }> => {
        const served = await connectServer(s.serverEnv, s.env.cwd, "trust-providers");
        servers.push(served);
        const answer = await served.client.callTool({ name: "launch_agent", arguments: { provider: "house", prompt: "hello house" } });
        if (answer.isError === true) return { refused: JSON.stringify(answer.content) };
        const { agent_id } = answer.structuredContent as { agent_id: string };
        const done = await waitFor(served, agent_id, (out) => out.finished[0]);
        return { result: done.result ?? "" };
      };
      const runs = (): string => (existsSync(ran) ? readFileSync(ran, "utf8") : "");

      // Not trusted yet: refused, saying how to trust.
      const untrusted = await s.client.callTool({ name: "launch_agent", arguments: { provider: "house", prompt: "x" } });
      expect(untrusted.isError).toBe(true);
      expect(JSON.stringify(untrusted.content)).toContain(`subagent-mcp trust --root ${s.env.cwd}`);

      const granted = await cli(["trust"]);
      expect(granted.exitCode).toBe(0);
      expect(granted.stdout).toContain("tools/agent.sh: run by providers.house");
      expect((await launch()).result).toContain(s.fakes.qwen.nonce);
      expect(runs()).toBe("v1\n");
      expect((await cli(["trust", "--list"])).stdout).toContain("providers.house runs tools/agent.sh: trusted");

      // The repository changes the script after the user read and trusted it: the config file itself is unchanged.
      write(script, agentScript(ran, "v2"), 0o755);
      expect((await cli(["trust", "--list"])).stdout).toContain("providers.house runs tools/agent.sh: changed since, not trusted");
      const edited = await launch();
      expect(edited.refused).toContain("the file tools/agent.sh it runs changed since you trusted it");
      expect(edited.refused).toContain(`subagent-mcp trust --root ${s.env.cwd}`);
      expect(runs()).toBe("v1\n");

      // Trusting again vouches for the new content.
      expect((await cli(["trust"])).exitCode).toBe(0);
      expect((await launch()).result).toContain(s.fakes.qwen.nonce);
      expect(runs()).toBe("v1\nv2\n");
    },
  );

  it(
    "a running server refuses a provider whose trusted program was edited, and runs it again once the project is trusted again",
    { timeout: 240_000 },
    async () => {
      let script = "";
      let ran = "";
      // The project's own wrapper around Claude Code: it notes each run, then runs the CLI.
      const wrapper = (version: string): string => `#!/bin/sh\necho ${version} >> "${ran}"\nexec "${cliExecutable("claude")}" "$@"\n`;
      const s = (e = await startE2E({}, (env) => {
        script = join(env.cwd, "tools", "claude");
        ran = join(env.cwd, "ran.log");
        write(script, wrapper("v1"), 0o755);
        write(join(env.cwd, ".subagent-mcp", "config.json"), JSON.stringify({ executables: { claude: script } }));
      }));
      const cli = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false, reject: false });
      expect((await cli(["trust"])).exitCode).toBe(0);
      // One server, started once the project is trusted, for every launch below; the project's program, not the environment's, is its claude.
      const { SUBAGENT_MCP_CLAUDE_PATH: _pinned, ...serverEnv } = s.serverEnv;
      const served = await connectServer(serverEnv, s.env.cwd, "trust-running");
      servers.push(served);
      const launch = async (): Promise<{ refused?: string; result?: string }> => {
        const answer = await served.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "hello there" } });
        if (answer.isError === true) return { refused: JSON.stringify(answer.content) };
        const { agent_id } = answer.structuredContent as { agent_id: string };
        const done = await waitFor(served, agent_id, (out) => out.finished[0]);
        return done.is_error ? { refused: done.result ?? "" } : { result: done.result ?? "" };
      };
      const runs = (): string => (existsSync(ran) ? readFileSync(ran, "utf8") : "");
      expect((await launch()).result).toContain(s.fakes.claude.nonce);
      expect(runs()).toBe("v1\n");

      // The repository changes the program while the server runs.
      write(script, wrapper("v2"), 0o755);
      const edited = await launch();
      expect(edited.refused).toContain(`provider "claude" is not started: the executable ${script} changed since you trusted the project`);
      expect(edited.refused).toContain(`subagent-mcp trust --root ${s.env.cwd}`);
      expect(runs()).toBe("v1\n");

      // Trusting it again applies to the running server.
      expect((await cli(["trust"])).exitCode).toBe(0);
      expect((await launch()).result).toContain(s.fakes.claude.nonce);
      expect(runs()).toBe("v1\nv2\n");
    },
  );
});
