import { errorMessage } from "@subagent-mcp/errors";
// One running MCP server as the dashboard sees it: an MCP client on its control endpoint, its
// change events, and the last snapshot of its agents, pool and permission requests.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { DashboardError } from "./errors.js";
import { followEvents } from "./follow.js";
import { CHANGE_EVENT, type ListAgentsResult, type ListPoolResult, type PollAgentResult, type ServerRecord, definedFields } from "@subagent-mcp/contract";
import { DASHBOARD_TOOLS, textOf } from "./tools.js";
import type { PermissionRequestView, ServerView } from "@subagent-mcp/contract";

const READ_TIMEOUT_MS = 15_000;
const ACTION_TIMEOUT_MS = 120_000;

/** A live server: call its tools, follow its changes, keep its last snapshot. */
export class ServerLink {
  #client: Promise<Client> | undefined;
  #view: ServerView;
  #permissions: PermissionRequestView[] = [];
  #refreshing: Promise<void> | undefined;
  #again = false;
  #closed = false;
  readonly #first: Promise<void>;
  readonly #abort = new AbortController();

  constructor(
    /** Its registry record; a newer one of the same endpoint (what it found out since: its sandbox) replaces it. */
    public record: ServerRecord,
    /** Called when the snapshot changed. */
    private readonly onChange: () => void,
  ) {
    this.#view = { ...this.#base(), reachable: false, agents: [], pool: null };
    this.#first = this.refresh();
    void followEvents(`${record.control}/events`, this.#abort.signal, {
      // (Re)connected: what changed while we were away is read again.
      open: () => void this.refresh(),
      // Gone or restarting: the snapshot then says it cannot be reached.
      drop: () => void this.refresh(),
      event: (name) => {
        if (name === CHANGE_EVENT) void this.refresh();
      },
    });
  }

  /** The last snapshot. */
  get view(): ServerView {
    return this.#view;
  }

  /** Pending permission requests of its agents, as of the last snapshot. */
  get permissions(): PermissionRequestView[] {
    return this.#permissions;
  }

  /** Settles when the first snapshot is taken (reachable or not). */
  ready(): Promise<void> {
    return this.#first;
  }

  /** Takes a new snapshot; calls while one is under way are folded into one more after it. */
  refresh(): Promise<void> {
    if (this.#refreshing !== undefined) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        await this.#load();
      } while (this.#more());
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  // Asked again while loading, and not closed since.
  #more(): boolean {
    return this.#again && !this.#closed;
  }

  /** Calls one of {@link DASHBOARD_TOOLS}; its structured result, or UNREACHABLE / TOOL_ERROR. */
  async call(name: string, args: Record<string, unknown>, action = false): Promise<Record<string, unknown>> {
    if (!DASHBOARD_TOOLS.has(name)) throw new DashboardError("BAD_REQUEST", `the dashboard does not call ${name}`);
    let client: Client;
    try {
      client = await this.#connect();
    } catch (error) {
      throw new DashboardError("UNREACHABLE", `server ${this.record.pid} does not answer: ${errorMessage(error)}`);
    }
    let result;
    try {
      result = await client.callTool({ name, arguments: args }, undefined, { timeout: action ? ACTION_TIMEOUT_MS : READ_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof McpError) throw new DashboardError("TOOL_ERROR", error.message);
      this.#drop();
      throw new DashboardError("UNREACHABLE", `server ${this.record.pid} does not answer: ${errorMessage(error)}`);
    }
    if (result.isError === true) throw new DashboardError("TOOL_ERROR", textOf(result.content) || `${name} failed`);
    return (result.structuredContent ?? {}) as Record<string, unknown>;
  }

  /** Stops following the server and lets go of its connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    const client = await this.#client?.catch(() => undefined);
    await client?.close().catch(() => undefined);
  }

  #base(): Pick<ServerView, "pid" | "cwd" | "session" | "started_at" | "version" | "sandbox"> {
    const { pid, cwd, session, started_at, version, sandbox } = this.record;
    return { pid, cwd, ...definedFields({ session, sandbox }), started_at, version };
  }

  // Every live agent of the server: list_agents' pages, each after the one before (a bounded number of them).
  async #agents(): Promise<NonNullable<ListAgentsResult["agents"]>> {
    const agents: NonNullable<ListAgentsResult["agents"]> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = (await this.call("list_agents", { limit: 500, ...definedFields({ cursor }) })) as Partial<ListAgentsResult>;
      agents.push(...(result.agents ?? []));
      cursor = result.next_cursor;
      if (cursor === undefined) break;
    }
    return agents;
  }

  // list_agents, list_pool (null when the server has no pool tools), and poll_agent of each agent that asks for permission.
  async #load(): Promise<void> {
    let view: ServerView;
    const permissions: PermissionRequestView[] = [];
    try {
      // Results as the contract says; the server checked them against the same schemas.
      const agents = await this.#agents();
      const pool = await (this.call("list_pool", {}) as Promise<ListPoolResult>).catch((error: unknown) => {
        if (error instanceof DashboardError && error.code === "TOOL_ERROR") return null;
        throw error;
      });
      for (const agent of agents.filter((a) => (a.pending_permissions ?? 0) > 0)) {
        const poll = (await this.call("poll_agent", { agent_id: agent.agent_id, tail_chars: 0 })) as Partial<PollAgentResult>;
        for (const p of poll.pending_permissions ?? [])
          permissions.push({
            server: this.record.pid,
            agent_id: agent.agent_id,
            request_id: p.request_id,
            kind: p.kind,
            summary: p.summary,
            tool: p.tool,
            asked_at: p.asked_at,
          });
      }
      view = { ...this.#base(), reachable: true, agents, pool };
    } catch (error) {
      view = { ...this.#base(), reachable: false, error: errorMessage(error), agents: [], pool: null };
    }
    if (this.#closed) return;
    const before = JSON.stringify([this.#view, this.#permissions]);
    this.#view = view;
    this.#permissions = permissions;
    if (JSON.stringify([view, permissions]) !== before) this.onChange();
  }

  #connect(): Promise<Client> {
    this.#client ??= (async () => {
      const client = new Client({ name: "subagent-mcp-dashboard", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${this.record.control}/mcp`)), { timeout: READ_TIMEOUT_MS });
      return client;
    })().catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }

  // A connection that failed is made again on the next call.
  #drop(): void {
    const client = this.#client;
    this.#client = undefined;
    void client?.then((c) => c.close()).catch(() => undefined);
  }
}
