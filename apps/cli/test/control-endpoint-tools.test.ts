import { chmodSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { stateDir } from "@subagent-mcp/state";
import { afterEach, describe, expect, it } from "vitest";
import { cliExecutable, loopbackEnv, startAllFakes } from "@subagent-mcp/testkit";
import { connectServer } from "./e2e.js";

let cleanup: (() => Promise<void>) | undefined;
let control: Client | undefined;
afterEach(async () => {
  await control?.close();
  await cleanup?.();
  [cleanup, control] = [undefined, undefined];
});

// Until the server has published its record (it does so as it starts).
async function record(dir: string, pid: number): Promise<{ control: string }> {
  const path = join(dir, "servers", `${pid}.json`);
  for (;;) {
    try {
      return JSON.parse(readFileSync(path, "utf8")) as { control: string };
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe("the dashboard's control endpoint of the built server", () => {
  it("keeps its token private, even in a state folder left open, and offers no tool that starts a new agent", { timeout: 60_000 }, async () => {
    const fakes = await startAllFakes();
    const env = await loopbackEnv(fakes);
    // A state folder an earlier version (or a wide umask) left open.
    const state = stateDir({ home: env.home, env: env.env });
    mkdirSync(join(state, "servers"), { recursive: true });
    chmodSync(state, 0o755);
    chmodSync(join(state, "servers"), 0o777);
    const served = await connectServer({ ...env.env, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") }, env.cwd, "host");
    cleanup = async () => {
      await served.close();
      await Promise.all(Object.values(fakes).map((f) => f.stop()));
      await env.cleanup();
    };
    const pid = served.transport.pid ?? 0;
    const published = await record(state, pid);
    // The token is in a 0600 file, in 0700 folders.
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(statSync(join(state, "servers")).mode & 0o777).toBe(0o700);
    expect(statSync(join(state, "servers", `${pid}.json`)).mode & 0o777).toBe(0o600);

    control = new Client({ name: "same-user process", version: "1" });
    await control.connect(new StreamableHTTPClientTransport(new URL(`${published.control}/mcp`)));
    const tools = (await control.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(
      expect.arrayContaining([
        "list_agents",
        "poll_agent",
        "transcript",
        "interrupt_agent",
        "kill_agent",
        "resume_agent",
        "send_message",
        "respond_permission",
      ]),
    );
    for (const starts of ["launch_agent", "invoke", "warmup", "wait"]) expect(tools).not.toContain(starts);
    const launched = await control
      .callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "hi", permission_mode: "bypassPermissions" } })
      .then((r) => (r.isError === true ? JSON.stringify(r.content) : "launched"))
      .catch((error: unknown) => String(error));
    expect(launched).not.toBe("launched");
    expect(launched).toMatch(/not found/i);
    // The host's own server still launches.
    const { agent_id } = await served.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "hello" });
    expect(agent_id).toMatch(/^[0-9a-f-]+$/);
  });
});
