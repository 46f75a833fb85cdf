import type { FakeRateLimit, FakeReply, FakeRequest, FakeUsage } from "./types.js";

// Directives a test writes into its prompt to make the fake do something other than echo.
// They live in the conversation itself so that a real CLI, started as a user would start it,
// can be steered without any side channel.
// An argument may hold a single `]` (`r[m] x`, a JSON array); `]]` ends it.
const DIRECTIVE = /\[\[(shell|edit|tool|slow|error|disconnect|history)(?::((?:[^\]]|\](?!\]))*))?\]\]/;

/**
 * The default scripter. In the last user message:
 * - `[[shell:CMD]]` asks for a shell tool call running CMD;
 * - `[[edit:PATH|CONTENT]]` asks for a file-write tool call;
 * - `[[tool:NAME|JSON]]` asks for a call of the CLI's own tool NAME with that input (e.g. Claude
 *   Code's `Read`, Gemini CLI's `read_file`);
 * - `[[slow:MS]]` streams an echo over MS milliseconds;
 * - `[[error:STATUS]]` answers with that HTTP status and the provider's error body;
 * - `[[disconnect]]` drops the connection mid-response;
 * - `[[history]]` answers with every user message of the conversation, joined by " | ".
 * Otherwise, and after any tool result, it answers text that carries the server's nonce.
 * `[[ratelimit:PERCENT]]` (see {@link rateLimitOf}) rides along with whichever answer is chosen.
 */
export function directiveReply(request: FakeRequest, nonce: string): FakeReply {
  if (request.afterToolResult) {
    const last = request.messages.at(-1)?.text ?? "";
    return { kind: "text", text: `${nonce} tool done: ${last.slice(0, 200)}` };
  }
  const match = DIRECTIVE.exec(request.lastUserText);
  const arg = match?.[2] ?? "";
  switch (match?.[1]) {
    case "shell":
      return request.tools.length > 0 ? { kind: "shell", command: arg } : echo(request, nonce);
    case "edit": {
      const bar = arg.indexOf("|");
      const path = bar < 0 ? arg : arg.slice(0, bar);
      const content = bar < 0 ? `${nonce}\n` : arg.slice(bar + 1);
      return request.tools.length > 0 ? { kind: "edit", path, content } : echo(request, nonce);
    }
    case "tool": {
      const bar = arg.indexOf("|");
      const name = bar < 0 ? arg : arg.slice(0, bar);
      const input = bar < 0 ? {} : (JSON.parse(arg.slice(bar + 1)) as Record<string, unknown>);
      return request.tools.length > 0 ? { kind: "tool", name, input } : echo(request, nonce);
    }
    case "slow":
      return { kind: "slow", text: echoText(request, nonce), durationMs: Number(arg) || 5_000, chunks: 20 };
    case "error":
      return { kind: "error", status: Number(arg) || 500, message: `fake error ${arg}` };
    case "disconnect":
      return { kind: "disconnect" };
    case "history": {
      const users = request.messages.filter((m) => m.role === "user").map((m) => m.text);
      return { kind: "text", text: `${nonce} history: ${users.join(" | ")}` };
    }
    default:
      return echo(request, nonce);
  }
}

function echoText(request: FakeRequest, nonce: string): string {
  return `${nonce} echo: ${request.lastUserText.slice(0, 500)}`;
}

function echo(request: FakeRequest, nonce: string): FakeReply {
  return { kind: "text", text: echoText(request, nonce) };
}

/** Deterministic token counts: a token per 4 characters, so tests can predict them from the log. */
export function usageFor(request: FakeRequest, replyText: string): FakeUsage {
  const inputChars = request.messages.reduce((n, m) => n + m.text.length, 0);
  return {
    input: Math.max(1, Math.ceil(inputChars / 4)),
    output: Math.max(1, Math.ceil(replyText.length / 4)),
    cacheRead: 0,
    cacheWrite: 0,
  };
}

// Not a reply of its own: it adds rate-limit headers to whatever is answered, so it is read apart.
const RATE_LIMIT = /\[\[ratelimit:(\d+(?:\.\d+)?)\]\]/;

/**
 * `[[ratelimit:PERCENT]]` in the last user message: the answer (text, tool call or error) carries
 * the provider's rate-limit headers for a short window used PERCENT % (100 or more: exhausted,
 * refused until it resets) that resets in two hours, beside a weekly window that resets in three
 * days. The Gemini API has no such headers: there it makes `[[error:429]]` a full quota error
 * (see gemini-wire.ts). Undefined without the directive.
 */
export function rateLimitOf(request: FakeRequest, now: number = Date.now()): FakeRateLimit | undefined {
  const match = RATE_LIMIT.exec(request.lastUserText);
  if (match?.[1] === undefined) return undefined;
  const seconds = Math.floor(now / 1000);
  return { usedPercent: Number(match[1]), resetsAt: seconds + 2 * 3600, weeklyResetsAt: seconds + 3 * 86_400 };
}
