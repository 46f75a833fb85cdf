/** Which wire protocol a fake model server speaks. */
export type FakeKind = "anthropic" | "openai" | "gemini";

/** One message of a conversation, flattened to text so tests can assert on what a CLI sent. */
export interface FakeMessage {
  role: "system" | "user" | "assistant" | "tool";
  text: string;
}

/** Token counts a fake reports for one reply; the same numbers go on the wire and in the log. */
export interface FakeUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * What the fake answers to one request. Chosen per request by a {@link Scripter}; the default
 * one reads directives out of the last user message (see `directiveReply`).
 */
export type FakeReply =
  | { kind: "text"; text: string }
  /** A shell tool call in the CLI's own tool vocabulary (Bash, exec_command, run_shell_command). */
  | { kind: "shell"; command: string }
  /** A call of any tool the request offers, by its exact name (e.g. an MCP tool `mcp__srv__name`). */
  | { kind: "tool"; name: string; input: Record<string, unknown> }
  /** A file write/edit tool call (Write, apply_patch, write_file) creating `path` with `content`. */
  | { kind: "edit"; path: string; content: string }
  /** Text streamed in `chunks` pieces spread over `durationMs`: long enough to interrupt. */
  | { kind: "slow"; text: string; durationMs: number; chunks: number }
  /** An HTTP error with the provider's own error body shape. */
  | { kind: "error"; status: number; message: string }
  /** The connection is destroyed after the response has started. */
  | { kind: "disconnect" };

/**
 * The rate-limit state a fake reports with its answer (`[[ratelimit:PERCENT]]`), in each protocol's
 * own headers: a short window (Claude's five_hour, Codex's primary) used `usedPercent` %, and a
 * weekly one used {@link WEEKLY_USED_PERCENT} %. Reset times are epoch seconds, as on the wire.
 */
export interface FakeRateLimit {
  usedPercent: number;
  resetsAt: number;
  weeklyResetsAt: number;
}

/** How much of the weekly window a `[[ratelimit]]` answer reports as used: little, so it stays "ok". */
export const WEEKLY_USED_PERCENT = 10;

/** A request as the fake understood it, before it answers. */
export interface FakeRequest {
  kind: FakeKind;
  path: string;
  model: string;
  stream: boolean;
  messages: FakeMessage[];
  /** Names of the tools the CLI offered the model in this request. */
  tools: string[];
  /** True when the request is a side call that demands JSON (e.g. Gemini's model router). */
  wantsJson: boolean;
  /** True when the last message carries a tool result, i.e. the model is asked to go on after a tool. */
  afterToolResult: boolean;
  /** Text of the last user-authored message (tool results excluded). */
  lastUserText: string;
}

/** A request as recorded in the fake's log, with what was answered. */
export interface RecordedRequest extends FakeRequest {
  method: string;
  at: number;
  /** performance.now() when the request had been read: "the task reached the model". */
  receivedAt?: number;
  /** performance.now() when the response was complete. */
  endedAt?: number;
  body: unknown;
  /** What was answered: a reply kind; "json" or "title" for a side call the CLI made on its own; "none" for a 404. */
  reply: FakeReply["kind"] | "json" | "title" | "none";
  usage: FakeUsage | undefined;
}

/** Picks the reply to a request; return undefined to fall back to the default directives. */
export type Scripter = (request: FakeRequest, nonce: string) => FakeReply | undefined;
