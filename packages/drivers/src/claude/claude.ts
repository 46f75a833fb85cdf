import { randomUUID } from "node:crypto";
import { closeSync } from "node:fs";
import { claudeTraceEnv } from "../process/otel-child.js";
import type { AgentEvent, McpServerSpec, PermissionRuling, Session, SessionSpec } from "@subagent-mcp/core";
import { errorEvent } from "@subagent-mcp/core";
import { hookInitialize, PRECHECK_HOOK, precheckAnswer } from "./claude-hooks.js";
import { claudePermissionRequest, claudePermissionResult, sameRequestKey } from "./claude-permission.js";
import { ClaudeLine, type ClaudeUsage } from "./claude-wire.js";
import { CliDriver } from "../driver/cli-driver.js";
import type { Probe } from "../compat/handshake.js";
import { unnamedFile } from "../process/unnamed-file.js";
import { claudeExitCode, claudeToolFacts } from "../permissions/tool-kinds.js";
import type { CliProcess } from "../process/process.js";
import { claudeRateLimitEvents } from "../driver/rate-limits.js";
import { BaseSession } from "../driver/session-base.js";
import type { PermissionDecision, PermissionRequest } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * The Claude Code command line for one long-lived stream-json session. `mcpConfigFile` holds
 * `spec.mcpServers` (see {@link claudeMcpJson}); without it they are given inline without their env
 * and headers, for display only (`argv`): secrets must not be on a command line others can read.
 * A session's files are its inherited descriptors (`/dev/fd/N`, see unnamed-file.ts).
 */
function claudeArgs(spec: SessionSpec, mcpConfigFile?: string, appendFile?: string): string[] {
  const args = ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"];
  const add = (flag: string, value: string | undefined): void => {
    if (value !== undefined && value !== "") args.push(flag, value);
  };
  add("--model", spec.model);
  add("--effort", spec.effort);
  // From a file when given: a long text on the command line would fail the spawn (E2BIG) and be readable by everyone in /proc.
  if (appendFile === undefined) add("--append-system-prompt", spec.systemPromptAppend);
  else args.push("--append-system-prompt-file", appendFile);
  add("--allowedTools", spec.allowedTools?.join(","));
  // The agent's deny rules, in Claude Code's own syntax, enforced by Claude too (a second line of defence beside the hook).
  // An MCP tool Claude is told to disallow vanishes from the model's list, and a call of it is refused
  // unseen: where our hook judges every tool use, it refuses (and audits) those itself.
  const mcpByHook = (rule: string) => spec.precheck !== undefined && rule.startsWith("mcp__");
  const disallowed = [...(spec.disallowedTools ?? []), ...(spec.rules?.deny ?? []).filter((rule) => !mcpByHook(rule))];
  add("--disallowedTools", disallowed.length === 0 ? undefined : [...new Set(disallowed)].join(","));
  add("--permission-mode", spec.permissionMode);
  // Questions about tool use come to us as `can_use_tool` control requests instead of being denied.
  if (spec.askPermissions === true) args.push("--permission-prompt-tool", "stdio");
  if (spec.builtinTools !== undefined) args.push("--tools", spec.builtinTools.join(","));
  const configs = [
    ...(spec.mcpConfig === undefined ? [] : [spec.mcpConfig]),
    ...(spec.mcpServers === undefined || spec.mcpServers.length === 0 ? [] : [mcpConfigFile ?? claudeMcpJson(spec.mcpServers, false)]),
  ];
  if (configs.length > 0) args.push("--mcp-config", ...configs);
  if (spec.strictMcpConfig === true) args.push("--strict-mcp-config");
  add("--settings", ownEntrySettings(spec));
  add("--session-id", spec.sessionId);
  add("--resume", spec.resume);
  // Text as the model streams it: a live output tail, and budgets that can stop a long turn mid-way.
  args.push("--include-partial-messages");
  return args;
}

/**
 * The session's settings. A handed server takes the place of the user's entry of its name by that
 * name alone (`--mcp-config` beats every scope); the same server from our plugin goes by another
 * name (`plugin:NAME:NAME`), so it is denied for this session (the plugin's file is left as it is).
 */
function ownEntrySettings(spec: SessionSpec): string | undefined {
  const name = spec.ownEntry?.name;
  if (name === undefined) return spec.settings;
  const denied = { deniedMcpServers: [{ serverName: `plugin:${name}:${name}` }] };
  if (spec.settings === undefined) return JSON.stringify(denied);
  // A settings file's path is the user's to keep: only JSON text is added to.
  if (!spec.settings.trimStart().startsWith("{")) return spec.settings;
  try {
    const given = JSON.parse(spec.settings) as { deniedMcpServers?: unknown[] };
    return JSON.stringify({ ...given, deniedMcpServers: [...(given.deniedMcpServers ?? []), ...denied.deniedMcpServers] });
  } catch {
    return spec.settings;
  }
}

/**
 * MCP servers as Claude Code's `--mcp-config` JSON text. Their secrets (a stdio server's env, an
 * HTTP server's headers) are in it only with `secrets`: for the private file, never a command line.
 */
export function claudeMcpJson(servers: McpServerSpec[], secrets: boolean): string {
  const entry = (s: McpServerSpec): Record<string, unknown> =>
    "url" in s
      ? { type: "http", url: s.url, ...(secrets && s.headers !== undefined ? { headers: s.headers } : {}) }
      : { type: "stdio", command: s.command, args: s.args, ...(secrets ? { env: s.env } : {}) };
  return JSON.stringify({ mcpServers: Object.fromEntries(servers.map((s) => [s.name, entry(s)])) });
}

/** Drives Claude Code through `claude -p --input-format stream-json --output-format stream-json`. */
export class ClaudeDriver extends CliDriver {
  readonly provider = "claude" as const;
  // Stream-json mode answers an `initialize` control request (its commands and models) without a model call.
  protected readonly probe: Probe = {
    request: { type: "control_request", request_id: "handshake", request: { subtype: "initialize" } },
    answered: (m: Record<string, unknown>) => m.type === "control_response",
  };

  argv(spec: SessionSpec): string[] {
    return claudeArgs(spec);
  }

  protected override traceEnv(spec: SessionSpec): Record<string, string> {
    return claudeTraceEnv(spec.traceparent, this.options.env ?? process.env);
  }

  start(spec: SessionSpec, onEvent: (event: AgentEvent) => void): Session {
    // The servers' secrets and signed addresses, and the appended prompt, reach the CLI as files with
    // no name that it alone inherits (read at /dev/fd/3, 4): no other agent can open them by a path.
    const texts = {
      config: spec.mcpServers === undefined || spec.mcpServers.length === 0 ? undefined : claudeMcpJson(spec.mcpServers, true),
      append: spec.systemPromptAppend === undefined || spec.systemPromptAppend === "" ? undefined : spec.systemPromptAppend,
    };
    const fds: number[] = [];
    const inherited = (text: string | undefined): string | undefined => {
      if (text === undefined) return undefined;
      fds.push(unnamedFile(text));
      return `/dev/fd/${String(2 + fds.length)}`;
    };
    try {
      const config = inherited(texts.config);
      const append = inherited(texts.append);
      return new ClaudeSession(this.spawn(spec, claudeArgs(spec, config, append), fds), onEvent, spec.precheck);
    } finally {
      // The CLI holds its own copies from its start on.
      for (const fd of fds) closeSync(fd);
    }
  }
}

class ClaudeSession extends BaseSession {
  readonly #toolNames = new Map<string, string>();
  readonly #alwaysAllowed = new Set<string>();
  #interruptRequested = false;
  /** The current assistant message's text came as stream deltas (its full copy is not emitted again). */
  #streamed = false;
  #turnStarted = 0;
  /** Tool uses we judged (hook, can_use_tool) or audited: the others in a result's denials were Claude's own. */
  readonly #judged = new Set<string>();
  #costSoFar = 0;
  #resetDone: (() => void) | undefined;

  constructor(
    proc: CliProcess,
    emit: (event: AgentEvent) => void,
    private readonly precheck?: (request: PermissionRequest) => PermissionRuling,
  ) {
    super(proc, emit, "claude");
    this.readLines((value) => {
      const parsed = ClaudeLine.safeParse(value);
      if (parsed.success) this.#onLine(parsed.data);
    });
    // Registered before the first user line, so that no tool use of any turn escapes our rules.
    if (precheck !== undefined) this.writeJson(hookInitialize(randomUUID()));
    // Claude Code prints nothing until the first user line, so there is no handshake to await.
    this.markReady();
  }

  protected startTurn(text: string): void {
    this.#interruptRequested = false;
    this.#turnStarted = Date.now();
    this.writeJson({ type: "user", message: { role: "user", content: text }, parent_tool_use_id: null, session_id: "" });
  }

  // `/clear` as a user line: the CLI answers with a new session (new system/init) and a result
  // that is the reset's, never an answer, so it is swallowed here.
  protected startReset(): Promise<void> {
    return new Promise((resolve) => {
      this.#resetDone = resolve;
      this.writeJson({ type: "user", message: { role: "user", content: "/clear" }, parent_tool_use_id: null, session_id: "" });
    });
  }

  interrupt(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    this.#interruptRequested = true;
    this.writeJson({ type: "control_request", request_id: randomUUID(), request: { subtype: "interrupt" } });
    return Promise.resolve();
  }

  #onLine(line: ClaudeLine): void {
    switch (line.type) {
      case "system":
        if (line.subtype === "init" && line.session_id !== undefined) {
          this.emit({ type: "started", sessionId: line.session_id, model: line.model ?? "" });
          for (const event of claudeMcpStatus(line.mcp_servers)) this.emit(event);
        }
        return;
      case "stream_event": {
        const delta = line.event.delta;
        if (line.event.type === "content_block_delta" && delta?.type === "text_delta" && delta.text !== undefined && delta.text !== "") {
          this.#streamed = true;
          this.emit({ type: "text", delta: delta.text });
        }
        return;
      }
      case "assistant": {
        // The whole message repeats what its stream already gave, text-wise.
        const streamed = this.#streamed;
        this.#streamed = false;
        if (typeof line.message.content === "string") {
          if (!streamed) this.emit({ type: "text", delta: line.message.content });
          return;
        }
        for (const block of line.message.content) {
          if (block.type === "text" && block.text !== undefined && !streamed) this.emit({ type: "text", delta: block.text });
          if (block.type === "tool_use") {
            const name = block.name ?? "tool";
            if (block.id !== undefined) this.#toolNames.set(block.id, name);
            this.emit({ type: "tool", name, input: block.input, ...definedFields({ id: block.id }), ...claudeToolFacts(name, block.input) });
          }
        }
        return;
      }
      case "user":
        if (typeof line.message.content === "string") return;
        for (const block of line.message.content) {
          if (block.type !== "tool_result") continue;
          const name = (block.tool_use_id === undefined ? undefined : this.#toolNames.get(block.tool_use_id)) ?? "tool";
          const ok = block.is_error !== true;
          const exitCode = name === "Bash" ? claudeExitCode(block.content, !ok) : undefined;
          this.emit({ type: "tool_result", name, ok, ...definedFields({ id: block.tool_use_id, exitCode }) });
        }
        return;
      case "result":
        this.#onResult(line);
        return;
      case "control_response":
        return;
      case "control_request":
        this.#onControlRequest(line);
        return;
      case "control_cancel_request":
        this.permissions.withdraw(line.request_id);
        return;
      // Claude Code sends these only where its account has unified rate limits (a claude.ai login,
      // or an LLM gateway's token): with an API key it never tracks them.
      case "rate_limit_event":
        for (const event of claudeRateLimitEvents(line.rate_limit_info)) this.emit(event);
        return;
    }
  }

  #onControlRequest(line: Extract<ClaudeLine, { type: "control_request" }>): void {
    const { request, request_id: requestId } = line;
    if (request.tool_use_id !== undefined) this.#judged.add(request.tool_use_id);
    if (request.subtype === "hook_callback" && request.callback_id === PRECHECK_HOOK && this.precheck !== undefined) {
      const response = precheckAnswer(requestId, request.input, this.precheck);
      this.writeJson({ type: "control_response", response: { subtype: "success", request_id: requestId, response } });
      return;
    }
    if (request.subtype !== "can_use_tool" || request.tool_name === undefined) {
      // A question we have no answer for: say so, or the CLI would wait for ever.
      this.writeJson({
        type: "control_response",
        response: { subtype: "error", request_id: requestId, error: `unsupported control request ${request.subtype}` },
      });
      return;
    }
    const input = request.input ?? {};
    const normalized = claudePermissionRequest(requestId, request.tool_name, input, request.blocked_path);
    const answer = (decision: PermissionDecision): void => {
      const response = claudePermissionResult(decision, input, request.permission_suggestions);
      this.writeJson({ type: "control_response", response: { subtype: "success", request_id: requestId, response } });
    };
    // Where the CLI had no rule to remember an allow_always by, we remember it.
    const key = sameRequestKey(normalized);
    if (this.#alwaysAllowed.has(key)) {
      answer({ behavior: "allow" });
      return;
    }
    this.permissions.ask(normalized, (decision) => {
      if (decision.behavior === "allow_always") this.#alwaysAllowed.add(key);
      answer(decision);
    });
  }

  // Claude refused these by the deny rules we passed it, before our hook ran: the rules are asked
  // again so that the refusal is audited like any other (the supervisor audits what they deny).
  #auditOwnDenials(denials: Extract<ClaudeLine, { type: "result" }>["permission_denials"]): void {
    for (const denial of denials ?? []) {
      if (this.precheck === undefined || (denial.tool_use_id !== undefined && this.#judged.has(denial.tool_use_id))) continue;
      if (denial.tool_use_id !== undefined) this.#judged.add(denial.tool_use_id);
      this.precheck(claudePermissionRequest(`denied-${denial.tool_use_id ?? randomUUID()}`, denial.tool_name, denial.tool_input ?? {}));
    }
    if (this.#judged.size > 1000) this.#judged.clear(); // ids are per tool use: old ones never come back
  }

  #onResult(line: Extract<ClaudeLine, { type: "result" }>): void {
    if (this.#resetDone !== undefined) {
      const done = this.#resetDone;
      this.#resetDone = undefined;
      this.#costSoFar = line.total_cost_usd ?? this.#costSoFar;
      done();
      return;
    }
    this.#auditOwnDenials(line.permission_denials);
    const interrupted = this.#interruptRequested;
    const isError = line.is_error === true || line.subtype !== "success";
    const result = line.result ?? line.errors?.join("\n") ?? line.subtype;
    // total_cost_usd is the session's running total; a turn costs the difference (a reset restarts it).
    const total = line.total_cost_usd;
    const cost = total === undefined ? undefined : total >= this.#costSoFar ? total - this.#costSoFar : total;
    if (total !== undefined) this.#costSoFar = total;
    if (isError && !interrupted) this.emit(errorEvent(result));
    this.emit({
      type: "turn_end",
      result: interrupted ? (line.result ?? "interrupted") : result,
      isError,
      interrupted,
      usage: usageOf(line.usage),
      ...definedFields({ costUsd: cost }),
      durationMs: line.duration_ms ?? Date.now() - this.#turnStarted,
      // Why Claude Code ended the turn, when not a plain end: its result subtype (error_max_turns, error_during_execution).
      ...(line.subtype === "success" ? {} : { stop: { reason: line.subtype, maxTurns: line.subtype === "error_max_turns" } }),
    });
    this.turnEnded();
  }
}

// The init line's word on each MCP server; a disabled one was switched off by the user, not failed.
function claudeMcpStatus(servers: { name: string; status: string; error?: string }[] | undefined): AgentEvent[] {
  return (servers ?? []).flatMap((s): AgentEvent[] => {
    if (s.status === "connected" || s.status === "pending") return [{ type: "mcp_status", server: s.name, status: s.status }];
    if (s.status === "disabled") return [];
    const error = s.error ?? (s.status === "needs-auth" ? "needs authentication" : "failed to start");
    return [{ type: "mcp_status", server: s.name, status: "failed", error }];
  });
}

function usageOf(usage: ClaudeUsage | undefined): { input: number; output: number; cacheRead: number; cacheWrite: number } {
  return {
    input: usage?.input_tokens ?? 0,
    output: usage?.output_tokens ?? 0,
    cacheRead: usage?.cache_read_input_tokens ?? 0,
    cacheWrite: usage?.cache_creation_input_tokens ?? 0,
  };
}
