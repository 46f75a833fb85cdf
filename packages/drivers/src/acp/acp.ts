import type * as Acp from "@agentclientprotocol/sdk";
import type {
  ClientConnection,
  InitializeResponse,
  PromptResponse,
  RequestPermissionRequest,
  RequestPermissionResponse,
  SessionNotification,
} from "@agentclientprotocol/sdk";
import { errorEvent, type AgentEvent, type Session, type SessionSpec } from "@subagent-mcp/core";
import { Writable } from "node:stream";
import { acpModeAllows, acpPermissionOutcome, acpPermissionRequest } from "./acp-permission.js";
import { CliDriver, HANDSHAKE_TIMEOUT_MS, type CliCommand, type CliDescription } from "../driver/cli-driver.js";
import type { Probe } from "../compat/handshake.js";
import type { CliDriverOptions } from "../driver/options.js";
import type { CliProcess } from "../process/process.js";
import { BaseSession } from "../driver/session-base.js";
import { acpModeFor, modelArgs, type AcpAgent, type LoadGuard } from "./acp-agent.js";
import { GEMINI_AGENT } from "../gemini/gemini-preset.js";
import { opencodeOwnEntryEnv } from "./opencode-own-entry.js";
import { acpMcpServers, acpStop, withAgentVersion, errorText, metaUsage, modelChoice, modelId, turnUsage, zeroUsage, type SessionSetup } from "./acp-wire.js";
import { acpToolEvent } from "../permissions/tool-kinds.js";
import { acpResult } from "./acp-exit.js";
import { acpQuotaEvent } from "../driver/rate-limits.js";
import { answeredWithin, lineStream } from "./acp-handshake.js";
import { DriverError } from "../errors.js";
import { forcedAsking, guarded, unasked } from "../permissions/unasked.js";
import { type Provider, addUsage } from "@subagent-mcp/contract";

/** An ACP agent to drive: Gemini CLI by default, or any other agent (a preset or a config entry). */
interface AcpDriverOptions extends CliDriverOptions {
  /** The agent (default Gemini CLI). */
  agent?: AcpAgent;
}

// How long a loaded session's history replay must be silent before it counts as over.
const REPLAY_QUIET_MS = 300;
// What we tell the agent in `initialize`, for sessions and the handshake alike: no file system or terminal of ours.
const INITIALIZE = { protocolVersion: 1, clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false } };

/**
 * Drives any agent over the Agent Client Protocol, through the official ACP SDK. What differs
 * between agents is data (`AcpAgent`: command, arguments, environment, how to pick a model and
 * map permission modes); only an agent's `native` part is code, and only Gemini CLI has one.
 */
export class AcpDriver extends CliDriver {
  readonly provider: Provider;
  readonly agent: AcpAgent;
  // ACP's `initialize` is answered before any session exists: no model call.
  protected readonly probe: Probe = {
    request: { jsonrpc: "2.0", id: 1, method: "initialize", params: INITIALIZE },
    answered: (m) => m.id === 1 && m.result !== undefined,
  };
  protected override readonly fixedEnv: Record<string, string>;
  protected override readonly commandName: string;

  constructor(protected override readonly options: AcpDriverOptions = {}) {
    super(options);
    this.agent = options.agent ?? GEMINI_AGENT;
    this.provider = this.agent.provider;
    this.fixedEnv = this.agent.env;
    this.commandName = this.agent.command;
  }

  /**
   * As the base, but when `--version` printed nothing (an ACP agent need not have the flag, and a
   * busy machine can outlast its limit) the version is the one `initialize` reports in `agentInfo`.
   */
  override async describe(): Promise<CliDescription> {
    return withAgentVersion(await super.describe(), () => this.handshakeAnswer());
  }

  argv(spec: SessionSpec): string[] {
    const own = this.agent.native?.argv(spec) ?? modelArgs(this.agent, spec.model) ?? [];
    return [...this.agent.args, ...own];
  }

  override command(spec: SessionSpec, args?: string[]): CliCommand {
    const base = args === undefined ? super.command(spec) : super.command(spec, args);
    return { ...base, env: opencodeOwnEntryEnv(this.agent.command, spec, base.env) };
  }

  start(spec: SessionSpec, onEvent: (event: AgentEvent) => void): Session {
    const { env, extendEnv } = this.command(spec);
    const prepared = this.agent.native?.prepare?.(spec, extendEnv ? { ...process.env, ...env } : env) ?? {};
    const proc = this.spawn(spec, prepared.args === undefined ? undefined : [...this.agent.args, ...prepared.args]);
    if (prepared.cleanup !== undefined) void proc.exited.finally(prepared.cleanup);
    return new AcpSession(proc, onEvent, spec, this.agent, this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS, prepared.loadGuard);
  }
}

class AcpSession extends BaseSession {
  #connection: ClientConnection | undefined;
  #acp: typeof Acp | undefined;
  #sessionId: string | undefined;
  #interruptRequested = false;
  #text = "";
  #turnStarted = 0;
  #firstTurn = true;
  #asked = 0;
  // Tool calls told as `tool` events this turn: one that asks permission first comes only inside
  // the request (Gemini CLI, Qwen Code), and is told from there.
  readonly #told = new Set<string>();
  /** While a loaded session's history is replayed: its updates are not the turn's output. */
  #replaying = false;
  #quiet: NodeJS.Timeout | undefined;
  /** Tokens the agent reported during the turn (Qwen Code: in its updates' `_meta.usage`). */
  #usage = zeroUsage();
  #mcpServers: Acp.McpServer[] = [];

  constructor(
    proc: CliProcess,
    emit: (event: AgentEvent) => void,
    private readonly spec: SessionSpec,
    private readonly agent: AcpAgent,
    private readonly handshakeMs: number,
    private readonly loadGuard?: LoadGuard,
  ) {
    super(proc, emit, agent.provider);
    // Our framer sits in front of the SDK: only whole JSON lines reach it, never stray output.
    const { input, push } = lineStream(proc.exited);
    this.readLines((value) => {
      push(JSON.stringify(value));
    });
    void this.#handshake(input);
  }

  // Each handshake request answered within the limit, or the session fails naming the step.
  #step<T>(step: string, request: Promise<T>): Promise<T> {
    return answeredWithin(request, this.cliName, step, this.handshakeMs);
  }

  // The ACP SDK is loaded with the first ACP session, not at start-up: an idle server stays small.
  async #connect(input: ReadableStream<Uint8Array>): Promise<ClientConnection> {
    const acp = (this.#acp = await import("@agentclientprotocol/sdk"));
    const app = acp
      .client({ name: "subagent-mcp" })
      .onNotification(acp.methods.client.session.update, (ctx) => {
        this.#onUpdate(ctx.params);
      })
      .onRequest(acp.methods.client.session.requestPermission, (ctx) => this.#permission(ctx.params));
    this.#connection = app.connect(acp.ndJsonStream(Writable.toWeb(this.proc.stdin), input));
    return this.#connection;
  }

  async #handshake(input: ReadableStream<Uint8Array>): Promise<void> {
    try {
      const agent = (await this.#connect(input)).agent;
      const methods = (this.#acp as typeof Acp).methods;
      const init: InitializeResponse = await this.#step("initialize", agent.request(methods.agent.initialize, INITIALIZE));
      const resume = this.spec.resume;
      const mcpServers = (this.#mcpServers = acpMcpServers(this.spec, init, this.cliName, (name) => this.agent.native?.serverName?.(this.spec, name) ?? name));
      if (resume === undefined) {
        const created = await this.#step("session/new", agent.request(methods.agent.session.new, { cwd: this.spec.cwd, mcpServers }));
        this.#sessionId = created.sessionId;
        const model = await this.#configure(created);
        this.emit({ type: "started", sessionId: created.sessionId, model });
        this.markReady();
        return;
      }
      if (init.agentCapabilities?.loadSession !== true)
        throw new Error(`${this.cliName} could not load session ${resume}: this agent does not offer session/load, so its sessions cannot be resumed`);
      await this.loadGuard?.before(resume);
      this.#replaying = true;
      const load = agent.request(methods.agent.session.load, { sessionId: resume, cwd: this.spec.cwd, mcpServers }).catch((error: unknown) => {
        throw new Error(`${this.cliName} could not load session ${resume}: ${errorText(error)}`);
      });
      const loaded = await this.#step("session/load", load);
      this.loadGuard?.after(resume);
      this.#sessionId = resume;
      const model = await this.#configure(loaded);
      this.emit({ type: "started", sessionId: resume, model });
      this.#replayed();
    } catch (error) {
      const text = errorText(error);
      const own = error instanceof DriverError || text.includes("could not load session") || text.includes("cannot choose");
      this.emit(errorEvent(own ? text : `ACP handshake failed: ${text}`));
      void this.kill();
    }
  }

  /**
   * For an agent without native flags: its permission mode through ACP's session modes, and the
   * model through `session/set_model` when it has no model arguments. Returns the model in use.
   */
  async #configure(session: SessionSetup): Promise<string> {
    const current = modelId(session);
    if (this.agent.native !== undefined) return this.spec.model ?? current ?? "";
    const { connection, methods } = this.#ready();
    const sessionId = this.#sessionId as string;
    // With rules to apply, the agent must ask before it acts: its most asking mode unless told otherwise.
    // bypassPermissions or acceptEdits with rules to hold is answered by the driver (unasked.ts): the agent asks about everything.
    const mode = forcedAsking(this.spec) ? "default" : (this.spec.permissionMode ?? (this.spec.askPermissions === true ? "default" : undefined));
    const offered = session.modes?.availableModes.map((m) => m.id) ?? [];
    const modeId = mode === undefined ? undefined : acpModeFor(this.agent, mode, offered);
    if (modeId !== undefined && modeId !== session.modes?.currentModeId)
      await this.#step("session/set_mode", connection.agent.request(methods.agent.session.setMode, { sessionId, modeId }));
    const wanted = this.spec.model;
    if (wanted === undefined || this.agent.modelArgs !== undefined) return wanted ?? current ?? "";
    const choice = modelChoice(session, wanted);
    if ("offered" in choice)
      throw new Error(
        `${this.cliName} cannot choose model "${wanted}": it offers ${choice.offered.join(", ") || "no model option"} (give the provider "model_args" if it takes a flag)`,
      );
    await this.#step(
      "session/set_config_option",
      connection.agent.request(methods.agent.session.setConfigOption, { sessionId, configId: choice.configId, value: choice.value }),
    );
    return wanted;
  }

  // ACP wants the replay of a loaded session's history before the load's answer; Gemini CLI
  // answers first and replays after. Turns wait until the replay has been quiet for a moment.
  #replayed(): void {
    clearTimeout(this.#quiet);
    this.#quiet = setTimeout(() => {
      this.#replaying = false;
      this.markReady();
    }, REPLAY_QUIET_MS);
  }

  protected startTurn(text: string): void {
    this.#interruptRequested = false;
    this.#text = "";
    this.#usage = zeroUsage();
    this.#turnStarted = Date.now();
    const sessionId = this.#sessionId as string;
    // A system-prompt addition has no ACP field: it leads the first prompt instead.
    const lead = this.#firstTurn && this.spec.systemPromptAppend !== undefined ? `${this.spec.systemPromptAppend}\n\n` : "";
    this.#firstTurn = false;
    const { connection, methods } = this.#ready();
    connection.agent.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: lead + text }] }).then(
      (response) => {
        this.#endTurn(response);
      },
      (error: unknown) => {
        const message = errorText(error);
        this.emit(errorEvent(message));
        // A quota refusal is also the provider's rate-limit state: routing skips it until it resets.
        const quota = acpQuotaEvent(error, message);
        if (quota !== undefined) this.emit(quota);
        this.emit({ type: "turn_end", result: message, isError: true, interrupted: false, usage: zeroUsage(), durationMs: Date.now() - this.#turnStarted });
        this.turnEnded();
      },
    );
  }

  // A new ACP session in the same process: a clean context without a new process.
  protected async startReset(): Promise<void> {
    const { connection, methods } = this.#ready();
    const created = await connection.agent.request(methods.agent.session.new, { cwd: this.spec.cwd, mcpServers: this.#mcpServers });
    this.#sessionId = created.sessionId;
    this.#firstTurn = true;
    this.emit({ type: "started", sessionId: created.sessionId, model: this.spec.model ?? "" });
  }

  async interrupt(): Promise<void> {
    if (!this.busy || this.#sessionId === undefined) return;
    this.#interruptRequested = true;
    const { connection, methods } = this.#ready();
    await connection.agent.notify(methods.agent.session.cancel, { sessionId: this.#sessionId });
    // ACP: after session/cancel the client answers every pending permission request "cancelled".
    this.permissions.withdrawAll();
  }

  // Turns only start after the handshake, so the connection and the SDK are there by then.
  #ready(): { connection: ClientConnection; methods: (typeof Acp)["methods"] } {
    if (this.#connection === undefined || this.#acp === undefined) throw new Error("ACP session used before its handshake");
    return { connection: this.#connection, methods: this.#acp.methods };
  }

  #endTurn(response: PromptResponse): void {
    const interrupted = response.stopReason === "cancelled" || this.#interruptRequested;
    const refused = response.stopReason === "refusal";
    this.emit({
      type: "turn_end",
      result: this.#text,
      isError: refused,
      interrupted,
      usage: turnUsage(response, this.#usage),
      durationMs: Date.now() - this.#turnStarted,
      ...acpStop(response.stopReason),
    });
    this.turnEnded();
  }

  #onUpdate(notification: SessionNotification): void {
    if (this.#replaying) {
      if (this.#sessionId !== undefined) this.#replayed();
      return;
    }
    const update = notification.update;
    this.#usage = addUsage(this.#usage, metaUsage(update._meta));
    switch (update.sessionUpdate) {
      case "agent_message_chunk":
        if (update.content.type === "text") {
          this.#text += update.content.text;
          this.emit({ type: "text", delta: update.content.text });
        }
        return;
      case "tool_call":
        this.#tellTool(update);
        return;
      case "tool_call_update":
        if (update.status !== "completed" && update.status !== "failed") return;
        this.#tellTool(update);
        this.emit(acpResult(this.agent.provider, update));
        return;
      default:
        return;
    }
  }

  // What the session's permission mode allows is allowed: an agent with no session mode for it
  // (OpenCode) asks anyway. Else, with askPermissions, the question goes to whoever answers
  // `respondPermission`; without, nobody is at a keyboard: refused. The first matching option wins.
  // What the mode allows is held to the rules first, when there are rules to hold (unasked.ts).
  #tellTool(call: RequestPermissionRequest["toolCall"]): void {
    if (this.#told.has(call.toolCallId)) return;
    if (this.#told.size > 1000) this.#told.clear(); // ids are per call: old ones never come back
    this.#told.add(call.toolCallId);
    this.emit(acpToolEvent(call));
  }

  #permission(request: RequestPermissionRequest): RequestPermissionResponse | Promise<RequestPermissionResponse> {
    this.#tellTool(request.toolCall);
    const byMode = acpModeAllows(this.spec.permissionMode ?? "default", request.toolCall);
    const own = byMode && guarded(this.spec) ? unasked(this.spec, acpPermissionRequest(`${request.toolCall.toolCallId}#mode`, request.toolCall)) : undefined;
    if (own?.behavior === "ask" || (this.spec.askPermissions === true && !byMode)) return this.#ask(request);
    const allow = byMode && own?.behavior !== "deny";
    const wanted = allow ? ["allow_once", "allow_always"] : ["reject_once", "reject_always"];
    const option = request.options.find((o) => wanted.includes(o.kind));
    return option === undefined ? { outcome: { outcome: "cancelled" } } : { outcome: { outcome: "selected", optionId: option.optionId } };
  }

  #ask(request: RequestPermissionRequest): Promise<RequestPermissionResponse> {
    const requestId = `${request.toolCall.toolCallId}#${String(++this.#asked)}`;
    return new Promise((resolve) => {
      this.permissions.ask(
        acpPermissionRequest(requestId, request.toolCall),
        (decision) => {
          resolve(acpPermissionOutcome(decision, request.options));
        },
        () => {
          resolve({ outcome: { outcome: "cancelled" } });
        },
      );
    });
  }
}
