import type * as Acp from "@agentclientprotocol/sdk";
import type { ClientConnection, PromptResponse, RequestPermissionRequest, RequestPermissionResponse, SessionNotification } from "@agentclientprotocol/sdk";
import type { AgentEvent, Provider, Session, SessionSpec } from "@subagent-mcp/core";
import { Writable } from "node:stream";
import { errorEvent } from "@subagent-mcp/core";
import { acpPermissionOutcome, acpPermissionRequest } from "./acp-permission.js";
import { CliDriver } from "./cli-driver.js";
import type { Probe } from "./handshake.js";
import type { CliDriverOptions } from "./options.js";
import type { CliProcess } from "./process.js";
import { BaseSession } from "./session-base.js";
import { removeGeminiLoadLeftovers, untilGeminiCanLoad } from "./gemini-load.js";
import { geminiPolicy } from "./gemini-policy.js";
import { writePrivateFile } from "./private-file.js";
import { geminiArgs } from "./gemini-args.js";
import { acpMcpServers, errorText, usageOf, zeroUsage } from "./acp-wire.js";

/** An ACP agent to drive: Gemini CLI by default, or any other agent given its command. */
export interface AcpDriverOptions extends CliDriverOptions {
  /** The provider this driver serves (default "gemini"). */
  provider?: Provider;
  /** Arguments that put the agent in ACP mode (default Gemini CLI's `--acp`). */
  acpArgs?: string[];
  /** Extra arguments built from the session spec (default: Gemini CLI's `--model` and `--approval-mode`). */
  specArgs?: (spec: SessionSpec) => string[];
}

// How long a loaded session's history replay must be silent before it counts as over.
const REPLAY_QUIET_MS = 300;

// What we tell the agent in `initialize`, for sessions and the handshake alike: no file system or terminal of ours.
const INITIALIZE = { protocolVersion: 1, clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false } };

/** Drives an agent over the Agent Client Protocol (`gemini --acp`), through the official ACP SDK. */
export class AcpDriver extends CliDriver {
  readonly provider: Provider;
  // ACP's `initialize` is answered before any session exists: no model call.
  protected readonly probe: Probe = {
    request: { jsonrpc: "2.0", id: 1, method: "initialize", params: INITIALIZE },
    answered: (m) => m.id === 1 && m.result !== undefined,
  };
  // Gemini CLI otherwise re-spawns itself once at start, costing ~0.6 s.
  protected override readonly fixedEnv = { GEMINI_CLI_NO_RELAUNCH: "true" };

  constructor(protected override readonly options: AcpDriverOptions = {}) {
    super(options);
    this.provider = options.provider ?? "gemini";
  }

  argv(spec: SessionSpec): string[] {
    return [...(this.options.acpArgs ?? ["--acp"]), ...(this.options.specArgs ?? geminiArgs)(spec)];
  }

  start(spec: SessionSpec, onEvent: (event: AgentEvent) => void): Session {
    if (this.provider !== "gemini" || this.options.acpArgs !== undefined) return new AcpSession(this.spawn(spec), onEvent, spec, this.provider);
    // Gemini CLI's own agent needs guards around session/load (see gemini-load.ts); other agents none.
    const { env, extendEnv } = this.command(spec);
    const fullEnv = extendEnv ? { ...process.env, ...env } : env;
    // Before the process starts: its start-up cleanup would take the whole session with a leftover.
    if (spec.resume !== undefined) removeGeminiLoadLeftovers(spec.resume, fullEnv);
    const text = spec.askPermissions === true && this.options.specArgs === undefined ? geminiPolicy(spec.rules) : undefined;
    const policy = text === undefined ? undefined : writePrivateFile("policy.toml", text);
    const proc = this.spawn(spec, policy === undefined ? undefined : ["--acp", ...geminiArgs(spec, policy.path)]);
    if (policy !== undefined)
      void proc.exited.finally(() => {
        policy.remove();
      });
    return new AcpSession(proc, onEvent, spec, this.provider, {
      before: (id) => untilGeminiCanLoad(id, fullEnv),
      after: (id) => {
        removeGeminiLoadLeftovers(id, fullEnv);
      },
    });
  }
}

/** What an agent needs done around `session/load`: before it (may wait) and once it answered. */
interface LoadGuard {
  before(sessionId: string): Promise<void>;
  after(sessionId: string): void;
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
  /** While a loaded session's history is replayed: its updates are not the turn's output. */
  #replaying = false;
  #quiet: NodeJS.Timeout | undefined;

  constructor(
    proc: CliProcess,
    emit: (event: AgentEvent) => void,
    private readonly spec: SessionSpec,
    provider: Provider,
    private readonly loadGuard?: LoadGuard,
  ) {
    super(proc, emit, provider);
    // Our framer sits in front of the SDK: only whole JSON lines reach it, never stray output.
    // The SDK may cancel this stream when its connection closes; writes after that are dropped.
    let open = true;
    let push: (line: string) => void = () => undefined;
    const input = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const end = (): void => {
          open = false;
        };
        push = (line) => {
          if (!open) return;
          try {
            controller.enqueue(new TextEncoder().encode(`${line}\n`));
          } catch {
            end();
          }
        };
        void proc.exited.then(() => {
          if (!open) return;
          end();
          try {
            controller.close();
          } catch {
            // already closed by the other side
          }
        });
      },
      cancel: () => {
        open = false;
      },
    });
    this.readLines((value) => {
      push(JSON.stringify(value));
    });
    void this.#handshake(input);
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
      await agent.request(methods.agent.initialize, INITIALIZE);
      const resume = this.spec.resume;
      if (resume === undefined) {
        const created = await agent.request(methods.agent.session.new, { cwd: this.spec.cwd, mcpServers: acpMcpServers(this.spec) });
        this.#sessionId = created.sessionId;
        this.emit({ type: "started", sessionId: created.sessionId, model: this.spec.model ?? "" });
        this.markReady();
        return;
      }
      await this.loadGuard?.before(resume);
      this.#replaying = true;
      await agent
        .request(methods.agent.session.load, { sessionId: resume, cwd: this.spec.cwd, mcpServers: acpMcpServers(this.spec) })
        .catch((error: unknown) => {
          throw new Error(`${this.cliName} could not load session ${resume}: ${errorText(error)}`);
        });
      this.loadGuard?.after(resume);
      this.#sessionId = resume;
      this.emit({ type: "started", sessionId: resume, model: this.spec.model ?? "" });
      this.#replayed();
    } catch (error) {
      const text = errorText(error);
      this.emit(errorEvent(text.includes("could not load session") ? text : `ACP handshake failed: ${text}`));
      void this.kill();
    }
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
        this.emit({ type: "turn_end", result: message, isError: true, interrupted: false, usage: zeroUsage(), durationMs: Date.now() - this.#turnStarted });
        this.turnEnded();
      },
    );
  }

  // A new ACP session in the same process: a clean context without a new process.
  protected async startReset(): Promise<void> {
    const { connection, methods } = this.#ready();
    const created = await connection.agent.request(methods.agent.session.new, { cwd: this.spec.cwd, mcpServers: acpMcpServers(this.spec) });
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
      usage: usageOf(response._meta),
      durationMs: Date.now() - this.#turnStarted,
    });
    this.turnEnded();
  }

  #onUpdate(notification: SessionNotification): void {
    if (this.#replaying) {
      if (this.#sessionId !== undefined) this.#replayed();
      return;
    }
    const update = notification.update;
    switch (update.sessionUpdate) {
      case "agent_message_chunk":
        if (update.content.type === "text") {
          this.#text += update.content.text;
          this.emit({ type: "text", delta: update.content.text });
        }
        return;
      case "tool_call":
        this.emit({ type: "tool", name: update.title, input: update.rawInput });
        return;
      case "tool_call_update":
        if (update.status === "completed" || update.status === "failed") {
          this.emit({ type: "tool_result", name: update.title ?? update.toolCallId, ok: update.status === "completed" });
        }
        return;
      default:
        return;
    }
  }

  // With askPermissions the question goes to whoever answers `respondPermission`; else nobody is
  // at a keyboard: the session's permission mode decides, the first matching option wins.
  #permission(request: RequestPermissionRequest): RequestPermissionResponse | Promise<RequestPermissionResponse> {
    if (this.spec.askPermissions === true) return this.#ask(request);
    const mode = this.spec.permissionMode ?? "default";
    const allow = mode === "bypassPermissions" || mode === "yolo" || (mode === "acceptEdits" && request.toolCall.kind === "edit");
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
