import { errorEvent, type AgentEvent, type Session, type SessionSpec } from "@subagent-mcp/core";
import { codexTraceArgs } from "../process/otel-child.js";
import { codexSandboxOf, definedFields } from "@subagent-mcp/contract";
import { codexMcpStatus, fileChanges, inside, mcpServersStarted, NO_NATIVE_SUBAGENTS, usageBetween } from "./codex-thread.js";
import { CliDriver } from "../driver/cli-driver.js";
import { codexItemEvent, codexStop } from "./codex-items.js";
import { replacedEntries, type Replaced } from "./codex-own-entry.js";
import { mcpRuleOverrides, mcpRuleRefusals } from "./codex-mcp-rules.js";
import { codexApproval, type CodexApproval, type FileChangeWire } from "./codex-permission.js";
import { acceptsEdits, guarded, isBypass, unasked } from "../permissions/unasked.js";
import { CodexItem, CodexNote, type CodexTokens } from "./codex-wire.js";
import type { Probe } from "../compat/handshake.js";
import { RpcError, RpcPeer } from "../process/jsonrpc.js";
import type { CliProcess } from "../process/process.js";
import { codexRateLimitEvents } from "../driver/rate-limits.js";
import { BaseSession } from "../driver/session-base.js";
import { z } from "zod";
import { errorMessage } from "@subagent-mcp/errors";

// What we tell app-server in `initialize`, for sessions and the handshake alike.
const INITIALIZE = { clientInfo: { name: "subagent-mcp", title: "subagent-mcp", version: "0" }, capabilities: null };

/** Drives Codex through `codex app-server` (JSON-RPC over stdio), one thread per session. */
export class CodexDriver extends CliDriver {
  readonly provider = "codex" as const;
  // app-server answers `initialize` before any thread exists: no model, no session file.
  protected readonly probe: Probe = {
    request: { id: 1, method: "initialize", params: INITIALIZE },
    answered: (m) => m.id === 1 && m.result !== undefined,
  };

  // Everything else about a session goes in its thread's parameters, not on the command line.
  argv(spec?: SessionSpec): string[] {
    return [...codexTraceArgs(spec?.traceparent, this.options.env ?? process.env), "app-server"];
  }

  start(spec: SessionSpec, onEvent: (event: AgentEvent) => void): Session {
    return new CodexSession(this.spawn(spec), onEvent, spec);
  }
}

// Under "untrusted", Codex would also ask before every MCP tool call, through an MCP elicitation
// that is not one of the approval requests we turn into permission requests: MCP tools keep
// running as they did with "never", and only commands and edits ask.
const MCP_APPROVAL = "default_tools_approval_mode";
/** How long Codex waits for an MCP server we hand it to start (its own default is 10 s). */
const MCP_STARTUP_TIMEOUT_SEC = 30;
/** The longest a first turn waits for the thread's MCP servers; Codex gives up on each well before (a user's own server may set up to this). */
const MCP_STARTUP_WAIT_MS = 120_000;

// The part of `config/read` we use: the user's MCP servers, stdio ones having a command.
const ConfigRead = z.object({
  config: z.object({ mcp_servers: z.record(z.string(), z.object({ command: z.string().optional(), env_vars: z.array(z.unknown()).optional() })).nullish() }),
});

class CodexSession extends BaseSession {
  readonly #rpc: RpcPeer;
  #threadId: string | undefined;
  #turnId: string | undefined;
  #interruptRequested = false;
  #lastMessage = "";
  #totalAtTurnStart: CodexTokens | undefined;
  #total: CodexTokens | undefined;
  #turnStarted = 0;
  /** Handed servers under another name, where the user has one by theirs (codex-own-entry.ts). */
  #aliases = new Map<string, string>();
  /** Per-thread config that forwards our variables to the user's MCP servers (see #forwardedEnv). */
  #forwarded: Record<string, unknown> = {};
  /** The changes of each file-change item of the turn: its approval request names only the item. */
  readonly #fileChanges = new Map<string, z.infer<typeof FileChangeWire>[]>();

  constructor(
    proc: CliProcess,
    emit: (event: AgentEvent) => void,
    private readonly spec: SessionSpec,
  ) {
    super(proc, emit, "codex");
    this.#rpc = new RpcPeer(
      (m) => {
        this.writeJson(m);
      },
      {
        onNotification: (method, params) => {
          this.#onNotification(method, params);
        },
        onRequest: (method, params, id) => this.#onRequest(method, params, id),
      },
      false,
    );
    this.readLines((value) => {
      this.#rpc.receive(value);
    });
    void proc.exited.then(() => {
      this.#rpc.close(new Error("codex exited"));
    });
    void this.#handshake();
  }

  // Without askPermissions (and nothing forcing it) threads run with approval policy "never" and
  // anything that still asks is declined; with it, approvals become permission requests, except
  // those the mode allows by itself (unasked.ts), which the rules answer here.
  #onRequest(method: string, params: unknown, id: string): Promise<unknown> {
    const approval = this.#asks() ? codexApproval(method, params, id, (item) => this.#fileChanges.get(item) ?? []) : undefined;
    if (approval === undefined) {
      return method.endsWith("requestApproval") ? Promise.resolve({ decision: "decline" }) : Promise.reject(new RpcError(-32601, `unsupported: ${method}`));
    }
    const own = this.#modeAllows(approval.paths) ? unasked(this.spec, approval.request) : undefined;
    if (own?.behavior === "allow") return Promise.resolve(approval.answer({ behavior: "allow" }));
    if (own?.behavior === "deny") return this.#refuse(approval, own.message);
    if (this.spec.askPermissions !== true) return Promise.resolve(approval.answer({ behavior: "deny" }));
    return new Promise((resolve) => {
      this.permissions.ask(approval.request, (decision) => {
        if (decision.behavior !== "deny" || decision.message === undefined) resolve(approval.answer(decision));
        else void this.#refuse(approval, decision.message).then(resolve);
      });
    });
  }

  // The decline has no field for a reason: it goes to the model as steering input of the same turn, first.
  async #refuse(approval: CodexApproval, message: string): Promise<unknown> {
    await this.#steer(approval.turnId, `Permission denied: ${message}`);
    return approval.answer({ behavior: "deny", message });
  }

  // What the mode allows by itself: everything without a sandbox; with acceptEdits (a
  // workspace-write sandbox), edits inside the cwd, as on Claude Code and Gemini CLI.
  #modeAllows(paths: string[]): boolean {
    if (isBypass(this.spec.permissionMode)) return true;
    return acceptsEdits(this.spec.permissionMode) && paths.length > 0 && paths.every((path) => inside(this.spec.cwd, path));
  }

  #steer(turnId: string, text: string): Promise<unknown> {
    return this.#rpc
      .request("turn/steer", { threadId: this.#threadId, expectedTurnId: turnId, input: [{ type: "text", text, text_elements: [] }] })
      .catch(() => undefined);
  }

  async #handshake(): Promise<void> {
    try {
      await this.#rpc.request("initialize", INITIALIZE);
      this.#rpc.notify("initialized");
      this.#forwarded = await this.#forwardedEnv();
      const params = this.#threadParams();
      const resume = this.spec.resume;
      const response = await (resume === undefined
        ? this.#rpc.request<{ thread: { id: string }; model?: string }>("thread/start", params, this.#trace())
        : this.#rpc
            .request<{ thread: { id: string }; model?: string }>("thread/resume", { ...params, threadId: resume }, this.#trace())
            .catch((error: unknown) => {
              throw new ResumeError(`codex could not resume thread ${resume}: ${errorMessage(error)}`);
            }));
      this.#threadId = response.thread.id;
      this.emit({ type: "started", sessionId: response.thread.id, model: response.model ?? this.spec.model ?? "" });
      await mcpServersStarted(this.#rpc, response.thread.id, MCP_STARTUP_WAIT_MS);
      this.markReady();
    } catch (error) {
      this.#fatal(error instanceof ResumeError ? error.message : `codex app-server handshake failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Codex starts its MCP servers with only a short list of its own variables (HOME, PATH, ...):
   * the ones named in `spec.mcpEnv` are added to the `env_vars` of every stdio server of the
   * effective configuration, so that a subagent-mcp server started under this thread knows where it
   * runs; the user's entry `spec.ownEntry` replaces is switched off (unread when the server found it).
   * A Codex that cannot say what its servers are fails the start (fail closed). */
  async #forwardedEnv(): Promise<Record<string, unknown>> {
    const names = this.spec.mcpEnv ?? [];
    const asks = this.#asks();
    if (names.length === 0 && !asks) return this.#replacing(replacedEntries(this.spec, "codex"));
    const read = ConfigRead.parse(await this.#rpc.request("config/read", { cwd: this.spec.cwd }));
    const { shadowed, ...own } = replacedEntries(this.spec, "codex", Object.keys(read.config.mcp_servers ?? {}));
    const all = Object.entries(read.config.mcp_servers ?? {}).filter(([name]) => !shadowed.includes(name));
    const stdio = names.length === 0 ? [] : all.filter(([, s]) => s.command !== undefined);
    const servers = [...all.map(([name]) => name), ...(this.spec.mcpServers ?? []).map((s) => s.name)];
    for (const refused of mcpRuleRefusals(this.spec.rules, servers)) this.spec.precheck?.(refused);
    // The rules of the servers given with the thread go inside their own entries (#threadParams): Codex applies
    // these dotted keys in no set order, and an entry applied after its `disabled_tools` would drop them.
    return {
      ...this.#replacing(own),
      ...Object.fromEntries(stdio.map(([name, s]) => [`mcp_servers.${name}.env_vars`, [...(s.env_vars ?? []), ...names]])),
      ...(asks ? Object.fromEntries(all.map(([name]) => [`mcp_servers.${name}.${MCP_APPROVAL}`, "approve"])) : {}),
      ...mcpRuleOverrides(
        this.spec.rules,
        all.map(([name]) => name),
      ),
    };
  }

  #replacing = (own: Omit<Replaced, "shadowed">): Record<string, boolean> => ((this.#aliases = own.aliases), own.overrides);

  // Whether this thread asks before commands and edits ("untrusted"): with askPermissions, and
  // without a sandbox whenever deny or ask rules must see each command (unasked.ts).
  #asks(): boolean {
    if (isBypass(this.spec.permissionMode)) return guarded(this.spec);
    return this.spec.askPermissions === true;
  }

  #threadParams(): Record<string, unknown> {
    const sandbox = this.spec.permissionMode === undefined ? undefined : codexSandboxOf(this.spec.permissionMode);
    // MCP servers as per-thread config overrides (the same keys as config.toml's [mcp_servers.NAME]).
    // Codex gives a server 10 s to start by default, then runs the turn without its tools: on a busy
    // machine ours can take longer, so they get the 30 s `setup` gives the host's own entry.
    const servers = Object.fromEntries(
      (this.spec.mcpServers ?? []).map((s) => [
        `mcp_servers.${this.#aliases.get(s.name) ?? s.name}`,
        {
          // Secrets (env, headers) go over the app-server's stdin with the thread, never its command line.
          ...("url" in s ? { url: s.url, ...definedFields({ http_headers: s.headers }) } : { command: s.command, args: s.args, env: s.env }),
          startup_timeout_sec: MCP_STARTUP_TIMEOUT_SEC,
          ...(this.#asks() ? { [MCP_APPROVAL]: "approve" } : {}),
          ...ownRules(this.spec.rules, s.name),
        },
      ]),
    );
    return {
      cwd: this.spec.cwd,
      // "untrusted": every command (read-only ones too) and every edit asks.
      approvalPolicy: this.#asks() ? "untrusted" : "never",
      ...definedFields({ model: this.spec.model, sandbox, developerInstructions: this.spec.systemPromptAppend }),
      config: { ...NO_NATIVE_SUBAGENTS, ...servers, ...this.#forwarded },
    };
  }

  protected startTurn(text: string): void {
    this.#interruptRequested = false;
    this.#lastMessage = "";
    this.#turnId = undefined;
    this.#totalAtTurnStart = this.#total;
    this.#turnStarted = Date.now();
    this.#rpc
      .request<{ turn: { id: string } }>(
        "turn/start",
        {
          threadId: this.#threadId,
          input: [{ type: "text", text, text_elements: [] }],
          ...definedFields({ effort: this.spec.effort }),
        },
        this.#trace(),
      )
      .then(
        (r) => {
          this.#turnId ??= r.turn.id;
          if (this.#interruptRequested) void this.interrupt();
        },
        (error: unknown) => {
          const message = errorMessage(error);
          this.emit(errorEvent(message));
          this.#endTurn({ result: message, isError: true, interrupted: false, durationMs: Date.now() - this.#turnStarted });
        },
      );
  }

  // The agent's trace, on the requests that make Codex work (thread and turn starts): its own spans join it.
  #trace(): { trace: { traceparent: string } } | undefined {
    return this.spec.traceparent === undefined ? undefined : { trace: { traceparent: this.spec.traceparent } };
  }

  // A new thread in the same app-server: a clean context without a new process.
  protected async startReset(): Promise<void> {
    const response = await this.#rpc.request<{ thread: { id: string }; model?: string }>("thread/start", this.#threadParams());
    this.#threadId = response.thread.id;
    this.#total = undefined;
    this.emit({ type: "started", sessionId: response.thread.id, model: response.model ?? this.spec.model ?? "" });
    await mcpServersStarted(this.#rpc, response.thread.id, MCP_STARTUP_WAIT_MS);
  }

  async interrupt(): Promise<void> {
    if (!this.busy) return;
    this.#interruptRequested = true;
    if (this.#threadId === undefined || this.#turnId === undefined) return; // sent once turn/start answers
    await this.#rpc.request("turn/interrupt", { threadId: this.#threadId, turnId: this.#turnId }).catch(() => undefined);
  }

  #onNotification(method: string, params: unknown): void {
    const parsed = CodexNote.safeParse({ method, params });
    if (!parsed.success) return;
    const note = parsed.data;
    switch (note.method) {
      case "turn/started":
        this.#turnId ??= note.params.turn.id;
        return;
      case "item/agentMessage/delta":
        this.emit({ type: "text", delta: note.params.delta });
        return;
      case "item/started":
        this.#onItem(note.params.item, "started");
        return;
      case "item/completed":
        this.#onItem(note.params.item, "completed");
        return;
      case "serverRequest/resolved":
        this.permissions.withdraw(String(note.params.requestId));
        return;
      case "thread/tokenUsage/updated":
        this.#total = note.params.tokenUsage.total;
        return;
      case "error":
        if (!note.params.willRetry) this.emit(errorEvent(note.params.error.message));
        return;
      // Sent after every model answer that carried rate-limit headers, API-key auth included.
      case "account/rateLimits/updated":
        for (const event of codexRateLimitEvents(note.params)) this.emit(event);
        return;
      case "mcpServer/startupStatus/updated": {
        const event = codexMcpStatus(note.params);
        if (event !== undefined) this.emit(event);
        return;
      }
      case "turn/completed": {
        const { turn } = note.params;
        const failed = turn.status === "failed";
        const result = failed ? (turn.error?.message ?? "turn failed") : this.#lastMessage;
        const durationMs = turn.durationMs ?? Date.now() - this.#turnStarted;
        this.#endTurn({ result, isError: failed, interrupted: turn.status === "interrupted", durationMs, ...(failed ? { stop: codexStop(turn.error) } : {}) });
        return;
      }
    }
  }

  #onItem(raw: unknown, phase: "started" | "completed"): void {
    const parsed = CodexItem.safeParse(raw);
    if (!parsed.success) return; // item kinds we don't map (reasoning, plans, ...)
    const item = parsed.data;
    if (item.type === "agentMessage" && phase === "completed") this.#lastMessage = item.text;
    if (item.type === "fileChange" && phase === "started" && item.id !== undefined) this.#fileChanges.set(item.id, fileChanges(item.changes));
    const event = codexItemEvent(item, phase);
    if (event !== undefined) this.emit(event);
  }

  #endTurn(end: { result: string; isError: boolean; interrupted: boolean; durationMs: number; stop?: { reason: string } }): void {
    this.#fileChanges.clear();
    this.emit({ type: "turn_end", ...end, usage: usageBetween(this.#totalAtTurnStart, this.#total) });
    this.turnEnded();
  }

  #fatal(message: string): void {
    this.emit(errorEvent(message));
    void this.kill();
  }
}

// A thread/resume the app-server refused (an unknown or unreadable thread): its message says so itself.
class ResumeError extends Error {}

// A deny or ask rule of a server given with the thread, as keys of its own entry (see mcpRuleOverrides).
function ownRules(rules: SessionSpec["rules"], server: string): Record<string, unknown> {
  const prefix = `mcp_servers.${server}.`;
  return Object.fromEntries(Object.entries(mcpRuleOverrides(rules, [server])).map(([key, value]) => [key.slice(prefix.length), value]));
}
