import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { DEPTH_ENV } from "@subagent-mcp/contract";
import { Supervisor, type Driver, type McpServerSpec, type Session, type SessionSpec } from "@subagent-mcp/core";
import { launchEntry } from "@subagent-mcp/journal";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createServer } from "../src/index.js";

type UrlSpec = Extract<McpServerSpec, { url: string }>;

// A Claude Code driver that records what each session was started with: its turns never end, and
// a kill ends its session as a CLI's exit would.
function recordingDriver(): { driver: Driver; specs: SessionSpec[] } {
  const specs: SessionSpec[] = [];
  const driver: Driver = {
    provider: "claude",
    start: (spec, onEvent) => {
      specs.push(spec);
      const exit = (): Promise<void> => {
        onEvent({ type: "exit", code: null, signal: "SIGKILL" });
        return Promise.resolve();
      };
      const session: Session = {
        pid: undefined,
        send: () => undefined,
        interrupt: () => Promise.resolve(),
        reset: () => Promise.resolve(),
        close: exit,
        kill: exit,
      };
      return session;
    },
  };
  return { driver, specs };
}

/** An MCP client of the server at `spec` (its token in the Authorization header). */
async function clientOf(spec: UrlSpec): Promise<Client> {
  const client = new Client({ name: "sub-agent", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: spec.headers ?? {} } }));
  return client;
}

/** A tool call's structured content, or a throw with its text. */
async function call<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError === true) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** A tool call's error text (it must fail). */
async function refusal(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError !== true) throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(result.structuredContent)}`);
  return (result.content as { text: string }[]).map((c) => c.text).join("\n");
}

const listed = async (client: Client): Promise<string[]> =>
  (await call<{ agents: { agent_id: string }[] }>(client, "list_agents")).agents.map((a) => a.agent_id).sort();

let cleanup: (() => Promise<void>)[] = [];
beforeEach(() => {
  // A home whose Claude Code config registers our own entry: each sub-agent is handed ours by that name.
  const home = mkdtempSync(join(tmpdir(), "agent-scope-home-"));
  writeFileSync(join(home, ".claude.json"), JSON.stringify({ mcpServers: { "subagent-mcp": { command: "subagent-mcp" } } }));
  vi.stubEnv("HOME", home);
  vi.stubEnv("CLAUDE_CONFIG_DIR", home);
});
afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
  vi.unstubAllEnvs();
});

/** A server at the top of a tree of at most 2 levels, with its orchestrator's client, journal and recorded launches. */
async function tree() {
  const dir = mkdtempSync(join(tmpdir(), "agent-scope-"));
  const journal = join(dir, "agents");
  const { driver, specs } = recordingDriver();
  const supervisor = new Supervisor({ drivers: { claude: driver } });
  const made = createServer(
    grouped({
      supervisor,
      version: "test",
      defaultCwd: mkdtempSync(join(tmpdir(), "agent-scope-cwd-")),
      maxDepth: 2,
      journal: { dir: journal },
      messaging: { mail: asyncStore(new Maildir(join(dir, "mail"))), self: "orchestrator" },
      childMessaging: true,
    }),
  );
  const [a, b] = InMemoryTransport.createLinkedPair();
  await made.server.connect(b);
  const orchestrator = new Client({ name: "orchestrator", version: "1" });
  await orchestrator.connect(a);
  cleanup.push(async () => {
    await orchestrator.close();
    await made.close();
    await supervisor.shutdown();
  });
  /** What agent `id`'s CLI was started with (found by the addresses it was handed). */
  const specOf = (id: string): SessionSpec | undefined => specs.find((s) => s.mcpServers?.some((m) => "url" in m && m.url.includes(`/agents/${id}/`)));
  /** The servers agent `id`'s CLI was handed, by name. */
  const handed = async (id: string): Promise<Record<string, UrlSpec>> => {
    const spec = await vi.waitFor(() => {
      const found = specOf(id);
      expect(found).toBeDefined();
      return found as SessionSpec;
    });
    return Object.fromEntries((spec.mcpServers ?? []).map((m) => [m.name, m as UrlSpec]));
  };
  return { supervisor, orchestrator, journal, handed, specOf };
}

const launch = async (client: Client, args: Record<string, unknown> = {}): Promise<string> =>
  (await call<{ agent_id: string }>(client, "launch_agent", { provider: "claude", prompt: "work", ...args })).agent_id;

describe("a sub-agent's own tools on the agent endpoint", () => {
  it("act for it: its launches join the tree under it, one level deeper, and it sees and reaches only the agents under it", async () => {
    const { supervisor, orchestrator, journal, handed, specOf } = await tree();
    const a = await launch(orchestrator, { permission_mode: "acceptEdits" });
    const b = await launch(orchestrator);
    const servers = await handed(a);
    // Its own tools by the name of our entry, on its own path with its token: they carry its messaging
    // tools too (one server for its CLI to connect to, not two).
    expect(Object.keys(servers).sort()).toEqual(["subagent-mcp"]);
    expect(servers["subagent-mcp"]?.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/agents/${a}/mcp$`));
    expect(servers["subagent-mcp"]?.headers?.Authorization).toMatch(/^Bearer /);
    expect(specOf(a)?.systemPromptAppend).toContain('the send_to tool of the "subagent-mcp" MCP server');
    // Handed our tools, its environment tells only its depth: the server knows the rest.
    expect(specOf(a)?.env).toEqual({ [DEPTH_ENV]: "1" });

    const asA = await clientOf(servers["subagent-mcp"] as UrlSpec);
    cleanup.push(() => asA.close());
    const tools = (await asA.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(["launch_agent", "list_agents", "poll_agent", "kill_agent", "wait", "send_to", "wait_inbox"]));
    // Not the orchestrator's own: its warm pool, its mode switch.
    for (const theirs of ["invoke", "warmup", "list_pool", "reset", "orchestration_mode"]) expect(tools).not.toContain(theirs);

    const c = await launch(asA);
    const childServers = await handed(c);
    expect(childServers["subagent-mcp"]?.url).toMatch(new RegExp(`/agents/${c}/mcp$`));
    expect(childServers["subagent-mcp"]?.headers).not.toEqual(servers["subagent-mcp"]?.headers);
    expect(specOf(c)?.env).toEqual({ [DEPTH_ENV]: "2" });
    // Its mailbox's parent is the agent that started it.
    expect(specOf(c)?.systemPromptAppend).toContain(`You are sub-agent "${c}", started by "${a}"`);
    // Its journal says whom it ran under; A, started by the orchestrator, has no lineage.
    await vi.waitFor(() => {
      expect(launchEntry(journal, c)?.lineage).toEqual([a]);
    });
    expect(launchEntry(journal, a)?.lineage).toBeUndefined();

    // The orchestrator sees every agent; A only the one it started.
    expect(await listed(orchestrator)).toEqual([a, b, c].sort());
    expect(await listed(asA)).toEqual([c]);
    expect((await call<{ agent_id: string }>(asA, "poll_agent", { agent_id: c })).agent_id).toBe(c);

    // Its sibling, and itself, are refused exactly as an id nobody launched: neither reached nor revealed.
    const unknown = "0badc0de";
    const calls: [string, (id: string) => Record<string, unknown>][] = [
      ["poll_agent", (id) => ({ agent_id: id })],
      ["kill_agent", (id) => ({ agent_id: id })],
      ["interrupt_agent", (id) => ({ agent_id: id })],
      ["send_message", (id) => ({ agent_id: id, message: "hi" })],
      ["respond_permission", (id) => ({ agent_id: id, decision: "allow" })],
      ["transcript", (id) => ({ agent_id: id })],
      ["resume_agent", (id) => ({ agent_id: id, prompt: "hi" })],
      ["wait", (id) => ({ agent_ids: [id], timeout_s: 1 })],
    ];
    for (const [tool, args] of calls) {
      const nobody = await refusal(asA, tool, args(unknown));
      expect(nobody).toMatch(new RegExp(`^no (agent with id|journal for agent|agent) "${unknown}"`));
      for (const hidden of [b, a]) expect(await refusal(asA, tool, args(hidden)), `${tool} ${hidden}`).toBe(nobody.replaceAll(unknown, hidden));
    }
    expect(supervisor.get(b).alive).toBe(true);
    expect(supervisor.get(a).alive).toBe(true);
  });

  it("holds its launches to the depth limit and to what it was granted", async () => {
    const { supervisor, orchestrator, handed } = await tree();
    const a = await launch(orchestrator, { permission_mode: "acceptEdits" });
    const asA = await clientOf((await handed(a))["subagent-mcp"] as UrlSpec);
    cleanup.push(() => asA.close());
    expect(await refusal(asA, "launch_agent", { provider: "claude", prompt: "x", permission_mode: "bypassPermissions" })).toContain(
      'permission mode "bypassPermissions" is more than this agent was given (acceptEdits)',
    );
    expect(await refusal(asA, "launch_agent", { provider: "claude", prompt: "x", allowed_tools: ["Bash"] })).toContain(
      "allowed tools Bash go beyond what this agent was allowed (none)",
    );
    const c = await launch(asA, { permission_mode: "acceptEdits" });
    const asC = await clientOf((await handed(c))["subagent-mcp"] as UrlSpec);
    cleanup.push(() => asC.close());
    expect(await refusal(asC, "launch_agent", { provider: "claude", prompt: "x" })).toContain(
      "sub-agents may nest 2 levels deep and this server is at depth 2",
    );
    expect(
      supervisor
        .list()
        .map((v) => v.id)
        .sort(),
    ).toEqual([a, c].sort());
  });

  it("end with it: killing an agent ends the agents it started and expires their tokens", async () => {
    const { supervisor, orchestrator, handed } = await tree();
    const a = await launch(orchestrator);
    const b = await launch(orchestrator);
    const own = (await handed(a))["subagent-mcp"] as UrlSpec;
    const asA = await clientOf(own);
    const c = await launch(asA);
    await asA.close();
    const childOwn = (await handed(c))["subagent-mcp"] as UrlSpec;
    expect(supervisor.get(c).alive).toBe(true);

    await call(orchestrator, "kill_agent", { agent_id: a });
    await vi.waitFor(() => {
      expect(supervisor.get(c).alive).toBe(false);
    });
    expect(supervisor.get(b).alive).toBe(true);
    for (const spec of [own, childOwn]) {
      const answer = await fetch(spec.url, { method: "POST", headers: { ...spec.headers, "content-type": "application/json" }, body: "{}" });
      expect(answer.status).toBe(401);
      expect(await answer.text()).toContain("expired token");
    }
  });
});
