import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { errorMessage, isCodedError } from "@subagent-mcp/errors";

/** A tool's answer: structured content and the text a model reads. */
export function ok(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

/** Runs a handler; a refusal of ours (the board's or the team's, with a stable code) is the tool's error, saying what to do. */
export async function guard(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (isCodedError(error)) return { isError: true, content: [{ type: "text", text: `${error.code}: ${error.message}` }] };
    process.stderr.write(`subagent-mcp: internal error in a board tool: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return {
      isError: true,
      content: [{ type: "text", text: `internal error in subagent-mcp (a bug; its stack is on the server's stderr): ${errorMessage(error)}` }],
    };
  }
}

/** A short, one-line cut of `text`. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
