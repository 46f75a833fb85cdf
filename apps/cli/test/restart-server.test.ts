import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { readPending, pendingFile } from "@subagent-mcp/hooks";
import { processAlive, stateDir, stateLayout } from "@subagent-mcp/state";
import { readServerRecords } from "@subagent-mcp/state/server-records";
import { cliExecutable, freePort, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, connectServer, type Served } from "./e2e.js";
import { until, type ListOut } from "./past-e2e.js";
import { endLongTools, longTool, marked } from "./stop-e2e.js";
import { killToZombie, startUnreaped, UNREAPED, unreapedPid, unrelated } from "./unreaped.js";

// The MCP server and the dashboard SIGKILLed under a parent that never reaps them (a container without
// an init): each stays a zombie, and what it owned must count as dead at once. Its server record, its
// pending file and its agents' owner records name a zombie; rewritten to name a live unrelated process
// (a pid reused), they name no owner of ours either.
let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
const parents: ResultPromise[] = [];
const clients: { close(): Promise<void> }[] = [];
const owners: number[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const pid of owners.splice(0)) if (processAlive({ pid })) process.kill(pid, "SIGKILL");
  endLongTools();
  for (const p of parents.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(parents);
  await env?.cleanup();
  env = undefined;
  await fake?.stop();
  fake = undefined;
});

/** `subagent-mcp` on stdio under a parent that never reaps it, with an MCP client. */
async function serveUnreaped(vars: Record<string, string>, cwd: string): Promise<Served & { pid: number }> {
  const transport = new StdioClientTransport({ command: "bash", args: ["-c", UNREAPED, "bash", process.execPath, bin], env: vars, cwd, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "unreaped", version: "1" });
  await client.connect(transport);
  clients.push(client);
  const call = async <T>(tool: string, args: Record<string, unknown> = {}): Promise<T> => {
    const result = await client.callTool({ name: tool, arguments: args });
    if (result.isError === true) throw new Error(`${tool} failed: ${JSON.stringify(result.content)}\nserver stderr:\n${stderr}`);
    return result.structuredContent as T;
  };
  return { client, transport, stderr: () => stderr, call, close: () => client.close(), pid: await unreapedPid(() => stderr) };
}

/** Rewrites the JSON file at `path` with `change` applied (to `to`, when it moves). */
function rewrite(path: string, change: (value: Record<string, unknown>) => void, to = path): void {
  const value = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  change(value);
  writeFileSync(path, `${JSON.stringify(value)}\n`);
  if (to !== path) renameSync(path, to);
}

/** The dashboard's state, from the URL it printed. */
async function dashboardState(printed: string): Promise<string> {
  const url = new URL(/^(http:\/\/\S+)$/m.exec(printed)?.[1] ?? "");
  const at = new URL("/api/state", url.origin);
  at.searchParams.set("token", url.searchParams.get("token") ?? "");
  const res = await fetch(at);
  expect(res.status).toBe(200);
  return res.text();
}

/** The entry of agent `id` in the dashboard's state. */
function dashboardAgent(state: string, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  JSON.parse(state, (_key, value: unknown) => {
    if (typeof value === "object" && value !== null && (value as { agent_id?: unknown }).agent_id === id && "status" in value)
      found ??= value as Record<string, unknown>;
    return value;
  });
  return found;
}

describe("a server and a dashboard SIGKILLed under a parent that never reaps them", () => {
  it(
    "leave no CLI, no live record, no live pending file; a new server resumes the agent; the dashboard restarts on its port",
    { timeout: 300_000 },
    async () => {
      const f = (fake = await startFakeFor("claude"));
      const e = (env = await loopbackEnv("claude", f));
      const vars = { ...e.env, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") } as Record<string, string>;
      const dir = stateDir({ home: e.home, env: vars });
      const port = String(await freePort());
      const dash = await startUnreaped(["dashboard", "--port", port], { cwd: e.cwd, env: vars }, /^http:\/\/\S+$/m);
      parents.push(dash.parent);
      owners.push(dash.pid);

      // A server with an agent mid-turn (its long tool running) and another's permission request waiting.
      const s = await serveUnreaped(vars, e.cwd);
      owners.push(s.pid);
      const long = longTool();
      const { agent_id: busy } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: long.prompt, allowed_tools: ["Bash"] });
      const { agent_id: asking } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch restart-asked.txt]]" });
      await until("the long tool to run", () => marked(long.marker).length > 0, 120_000);
      await until("the pending file to hold the request", () => (readPending(dir, e.cwd)?.permission_requests.length ?? 0) > 0, 30_000);
      expect(readServerRecords(dir).map((r) => r.pid)).toEqual([s.pid]);

      // SIGKILL: a zombie, and within 5 s no CLI or tool it started.
      await killToZombie(s.pid);
      expect(marked(long.marker)).toEqual([]);
      expect(readServerRecords(dir)).toEqual([]);
      expect(readPending(dir, e.cwd)).toBeUndefined();
      const stopped = await execa(process.execPath, [bin, "stop", "--all"], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
      expect(stopped.exitCode, stopped.stderr).toBe(0);
      expect(stopped.stderr).toContain("nothing to stop");

      // The same records naming a live unrelated process (the pid reused): still no owner of ours.
      const other = unrelated();
      parents.push(other);
      const otherPid = other.pid ?? 0;
      const servers = stateLayout(dir).servers;
      rewrite(join(servers, `${String(s.pid)}.json`), (r) => (r.pid = otherPid), join(servers, `${String(otherPid)}.json`));
      rewrite(pendingFile(dir, e.cwd), (p) => (p.server_pid = otherPid));
      rewrite(join(stateLayout(dir).agents, asking, "owner.json"), (o) => ((o.server as { pid: number }).pid = otherPid));
      expect(readServerRecords(dir)).toEqual([]);
      expect(readPending(dir, e.cwd)).toBeUndefined();
      const again = await execa(process.execPath, [bin, "stop", "--all"], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
      expect(again.stderr).toContain("nothing to stop");

      // The dashboard SIGKILLed too: restarted at once on the same port, it shows both agents as not live.
      await killToZombie(dash.pid);
      const next = await startUnreaped(["dashboard", "--port", port], { cwd: e.cwd, env: vars }, /^http:\/\/\S+$/m);
      parents.push(next.parent);
      owners.push(next.pid);
      const state = await dashboardState(next.stdout());
      for (const id of [busy, asking]) {
        expect(dashboardAgent(state, id), `${id} in ${state}`).toMatchObject({ agent_id: id, status: "ended", alive: false });
        expect(dashboardAgent(state, id)).not.toHaveProperty("owner_pid");
      }

      // A new server lists both as ended (no live server owns them) and resumes the one cut off mid-turn.
      const successor = await connectServer(vars, e.cwd, "successor");
      clients.push(successor);
      const listed = await successor.call<ListOut>("list_agents");
      expect(listed.predecessor?.how).toBe("crashed");
      const rows = [...listed.agents, ...(listed.predecessor?.agents ?? [])];
      for (const id of [busy, asking]) expect(rows.find((a) => a.agent_id === id)?.status, JSON.stringify(listed)).toBe("ended");
      const resumed = await successor.call<{ how: string }>("resume_agent", { agent_id: busy, prompt: "and now?" });
      expect(resumed.how).toBe("resumed");
      // Its CLI resumed the same conversation (the cut-off turn told, the long tool in it again: ended here).
      await until(
        "the resumed conversation to reach the model",
        () => f.requests.some((r) => JSON.stringify(r.messages).includes("This is the same conversation, resumed") && r.lastUserText.includes("and now?")),
        120_000,
      );
      await successor.call("kill_agent", { agent_id: busy });
      const owned = await successor.call<{ how: string }>("resume_agent", { agent_id: asking, prompt: "hello again" });
      expect(owned.how).toBe("resumed");
    },
  );
});
