// What the ACP driver reads from and gives to an agent beyond the SDK's types: MCP servers in ACP's
// shape, a prompt's token counts, and an ACP error as one line of text.
import type * as Acp from "@agentclientprotocol/sdk";
import type { PromptResponse } from "@agentclientprotocol/sdk";
import type { SessionSpec } from "@subagent-mcp/core";

// ACP gives MCP servers to each session (session/new, session/load), env as name/value pairs.
export function acpMcpServers(spec: SessionSpec): Acp.McpServer[] {
  return (spec.mcpServers ?? []).map((s) =>
    "url" in s
      ? { type: "http" as const, name: s.name, url: s.url, headers: [] }
      : { name: s.name, command: s.command, args: s.args, env: Object.entries(s.env).map(([name, value]) => ({ name, value })) },
  );
}

export function zeroUsage(): { input: number; output: number; cacheRead: number; cacheWrite: number } {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
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
