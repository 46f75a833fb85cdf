import type { FakeRateLimit, FakeReply, FakeRequest, FakeUsage } from "./types.js";

// Directives a test writes into its prompt to make the fake do something other than echo.
// They live in the conversation itself so that a real CLI, started as a user would start it,
// can be steered without any side channel.
// An argument may hold a single `]` (`r[m] x`, a JSON array); `]]` ends it.
const DIRECTIVE = /\[\[(shell|edit|tool|slow|error|disconnect|history)(?::((?:[^\]]|\](?!\]))*))?\]\]/;
// The directives of a scripted turn, all of them in order: its tool steps and its final text.
const STEPS = /\[\[(shell|edit|tool|say)(?::((?:[^\]]|\](?!\]))*))?\]\]/g;

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
 *
 * A whole turn in one message: several tool directives (`[[shell]]`, `[[edit]]`, `[[tool]]`) are
 * steps taken in order, the k-th asked for once k-1 tool results followed the message; `[[say:TEXT]]`
 * is the final answer, exactly TEXT, once every step has its result (the whole answer when there is
 * no step). After the last step without `[[say]]`, the usual "tool done:" text. A message with one
 * tool directive and no `[[say]]` is answered as above.
 */
export function directiveReply(request: FakeRequest, nonce: string): FakeReply {
  const script = scriptedStep(request, nonce);
  if (script !== undefined) return script;
  if (request.afterToolResult) {
    const last = request.messages.at(-1)?.text ?? "";
    return { kind: "text", text: `${nonce} tool done: ${last.slice(0, 200)}` };
  }
  const match = DIRECTIVE.exec(request.lastUserText);
  const arg = match?.[2] ?? "";
  switch (match?.[1]) {
    case "shell":
    case "edit":
    case "tool":
      return toolStep(request, nonce, match[1], arg);
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

/** The reply of a scripted turn (several tool steps, or a `[[say]]`); undefined for any other message. */
function scriptedStep(request: FakeRequest, nonce: string): FakeReply | undefined {
  const found = [...request.lastUserText.matchAll(STEPS)].map((m) => ({ name: m[1] ?? "", arg: m[2] ?? "" }));
  const steps = found.filter((d) => d.name !== "say");
  const say = found.find((d) => d.name === "say");
  if (say === undefined && steps.length < 2) return undefined;
  const done = toolResultsSinceUser(request);
  const step = steps[done];
  if (step !== undefined) return toolStep(request, nonce, step.name, step.arg);
  if (say !== undefined) return { kind: "text", text: say.arg };
  const last = request.messages.at(-1)?.text ?? "";
  return { kind: "text", text: `${nonce} tool done: ${last.slice(0, 200)}` };
}

/** How many tool results came after the last user message: the steps of the turn done so far. */
function toolResultsSinceUser(request: FakeRequest): number {
  const lastUser = request.messages.findLastIndex((m) => m.role === "user");
  return request.messages.slice(lastUser + 1).filter((m) => m.role === "tool").length;
}

/** A tool directive's reply: the call, or an echo when the request offers no tools. */
function toolStep(request: FakeRequest, nonce: string, name: string, arg: string): FakeReply {
  if (request.tools.length === 0) return echo(request, nonce);
  const bar = arg.indexOf("|");
  const head = bar < 0 ? arg : arg.slice(0, bar);
  const rest = bar < 0 ? undefined : arg.slice(bar + 1);
  if (name === "shell") return { kind: "shell", command: arg };
  if (name === "edit") return { kind: "edit", path: head, content: rest ?? `${nonce}\n` };
  return { kind: "tool", name: head, input: rest === undefined ? {} : (JSON.parse(rest) as Record<string, unknown>) };
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
