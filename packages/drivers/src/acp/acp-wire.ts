// What the ACP driver reads from and gives to an agent beyond the SDK's types: MCP servers in ACP's
// shape, a prompt's token counts, and an ACP error as one line of text.
import type * as Acp from "@agentclientprotocol/sdk";
import type { InitializeResponse, NewSessionResponse, PromptResponse, SessionConfigOption } from "@agentclientprotocol/sdk";
import type { SessionSpec } from "@subagent-mcp/core";
import type { Usage } from "@subagent-mcp/contract";
import { DriverError } from "../errors.js";

const pairs = (record: Record<string, string> | undefined): { name: string; value: string }[] =>
  Object.entries(record ?? {}).map(([name, value]) => ({ name, value }));

/**
 * ACP gives MCP servers to each session (session/new, session/load), env and headers as name/value
 * pairs. An HTTP server goes only to an agent whose `initialize` answer says it takes them: a
 * session is never started without a server it was given (throws MCP_UNSUPPORTED, naming it).
 */
export function acpMcpServers(
  spec: SessionSpec,
  init: Pick<InitializeResponse, "agentCapabilities">,
  agent: string,
  nameOf: (name: string) => string = (name) => name,
): Acp.McpServer[] {
  const http = init.agentCapabilities?.mcpCapabilities?.http === true;
  return (spec.mcpServers ?? []).map((s) => {
    const name = nameOf(s.name);
    if (!("url" in s)) return { name, command: s.command, args: s.args, env: pairs(s.env) };
    if (!http) throw new DriverError("MCP_UNSUPPORTED", `${agent} takes only stdio MCP servers: ${s.name} is HTTP`);
    return { type: "http" as const, name, url: s.url, headers: pairs(s.headers) };
  });
}

export function zeroUsage(): { input: number; output: number; cacheRead: number; cacheWrite: number } {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
}

/** What `session/new` and `session/load` tell of a session that we act on: its modes and config options. */
export type SessionSetup = Pick<NewSessionResponse, "modes" | "configOptions">;

// Select options, flat: an agent may group them.
function choices(option: SessionConfigOption): { value: string; name: string }[] {
  if (option.type !== "select") return [];
  return option.options.flatMap((o) => ("options" in o ? o.options : [o])).map((o) => ({ value: o.value, name: o.name }));
}

function modelOption(setup: SessionSetup): SessionConfigOption | undefined {
  return setup.configOptions?.find((o) => o.category === "model" && o.type === "select");
}

// What a model is called to a user: its id (OpenCode: `provider/model`, what `launch_agent {model}`
// and a `prices` entry name), unless the id is an internal composite (Qwen Code:
// `$runtime|openai-responses|…`), where the display name is the model's own name.
const PLAIN_ID = /^[\w.:/@-]+$/;
const userName = (c: { value: string; name: string }): string => (PLAIN_ID.test(c.value) ? c.value : c.name);

/** The model a session runs on, as a user names it, where the agent lists it among its config options. */
export function modelId(setup: SessionSetup): string | undefined {
  const option = modelOption(setup);
  if (option === undefined || option.type !== "select" || typeof option.currentValue !== "string") return undefined;
  const current = choices(option).find((c) => c.value === option.currentValue);
  return userName(current ?? { value: option.currentValue, name: option.currentValue });
}

/** How to switch a session to `wanted` (by id or display name) through its model option; else the models it offers. */
export function modelChoice(setup: SessionSetup, wanted: string): { configId: string; value: string; name: string } | { offered: string[] } {
  const option = modelOption(setup);
  if (option === undefined) return { offered: [] };
  const all = choices(option);
  const found = all.find((c) => c.value === wanted || c.name === wanted);
  return found === undefined ? { offered: all.map(userName) } : { configId: option.id, ...found };
}

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0);

/** Tokens an agent put in an update's `_meta.usage` (Qwen Code: camelCase counts per model call). */
export function metaUsage(meta: unknown): Usage {
  const usage: unknown = typeof meta === "object" && meta !== null ? (meta as { usage?: unknown }).usage : undefined;
  if (typeof usage !== "object" || usage === null) return zeroUsage();
  return countsOf(usage as Record<string, unknown>);
}

// ACP's own names for a turn's tokens (a prompt answer's `usage`, Qwen Code's `_meta.usage`).
function countsOf(usage: Record<string, unknown>): Usage {
  return {
    input: count(usage.inputTokens),
    output: count(usage.outputTokens) + count(usage.thoughtTokens),
    cacheRead: count(usage.cachedReadTokens),
    cacheWrite: count(usage.cachedWriteTokens),
  };
}

/**
 * A turn's tokens: what the prompt's answer reports (Gemini CLI in `_meta.quota`, others in ACP's
 * `usage`), else what its updates did (Qwen Code).
 */
export function turnUsage(response: PromptResponse, fromUpdates: Usage): Usage {
  const gemini = usageOf(response._meta);
  if (gemini.input + gemini.output > 0) return gemini;
  const usage: unknown = (response as { usage?: unknown }).usage;
  const answered = typeof usage === "object" && usage !== null ? countsOf(usage as Record<string, unknown>) : zeroUsage();
  return answered.input + answered.output > 0 ? answered : fromUpdates;
}

// Gemini CLI reports a prompt's tokens in `_meta.quota.token_count`; other agents may not at all.
export function usageOf(meta: PromptResponse["_meta"]): { input: number; output: number; cacheRead: number; cacheWrite: number } {
  const quota = meta?.quota as { token_count?: { input_tokens?: unknown; output_tokens?: unknown } } | undefined;
  const count = quota?.token_count;
  return {
    ...zeroUsage(),
    input: typeof count?.input_tokens === "number" ? count.input_tokens : 0,
    output: typeof count?.output_tokens === "number" ? count.output_tokens : 0,
  };
}

// ACP errors carry the agent's status (e.g. the model's HTTP 429) as their code: keep it in the text.
// An "Internal error" says what went wrong only in its data.details: keep that too.
export function errorText(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
  const details = typeof data === "object" && data !== null && "details" in data && typeof data.details === "string" ? data.details : undefined;
  const base = typeof message === "string" ? message : JSON.stringify(error);
  const text = details === undefined || base.includes(details) ? base : `${base}: ${details}`;
  return typeof code === "number" && !text.includes(String(code)) ? `${code}: ${text}` : text;
}

/** Why the agent ended a turn, when not a plain end (or a cancel): max_turn_requests (its turn limit), max_tokens, refusal. */
export function acpStop(stopReason: PromptResponse["stopReason"]): { stop?: { reason: string; maxTurns: boolean } } {
  if (stopReason === "end_turn" || stopReason === "cancelled") return {};
  return { stop: { reason: stopReason, maxTurns: stopReason === "max_turn_requests" } };
}

/** A description whose version `--version` did not print: the one `initialize` reports in `agentInfo`, if any. */
export async function withAgentVersion<T extends { version: string }>(found: T, shake: () => Promise<{ answer: { result?: unknown } }>): Promise<T> {
  if (found.version !== "?") return found;
  const answer = await shake().catch(() => undefined);
  const info = (answer?.answer.result as { agentInfo?: { version?: unknown } } | undefined)?.agentInfo;
  return typeof info?.version === "string" ? { ...found, version: info.version } : found;
}
