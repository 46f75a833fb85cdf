// The protocol-neutral request both OpenAI readers (Responses and Chat Completions) build: they differ
// in how they find the messages, the tools and whether a tool result came last, not in the rest.
import type { FakeRequest } from "./types.js";

/** What an OpenAI reader found in a request body. */
export type OpenAIRequestFields = Pick<FakeRequest, "path" | "model" | "stream" | "messages" | "tools" | "afterToolResult">;

/**
 * A refusal's reason steered into the running turn (the Codex driver's "Permission denied: …"). A
 * model reads it as part of the turn it interrupts: in a scripted turn (one with `[[say]]`) the
 * script goes on past it, the note kept as a system message (as the Anthropic reader leaves out
 * system reminders); elsewhere it is the last user text, which the fake echoes.
 */
const STEERED_REFUSAL = /^Permission denied: /;

/** The fake's request for an OpenAI call: never a JSON side call; the last user message's text picked out. */
export function openaiRequest(fields: OpenAIRequestFields): FakeRequest {
  const users = fields.messages.filter((m) => m.role === "user");
  const last = users.at(-1);
  const scripted = users.at(-2)?.text.includes("[[say:") === true;
  const messages =
    last !== undefined && scripted && STEERED_REFUSAL.test(last.text)
      ? fields.messages.map((m) => (m === last ? { ...m, role: "system" as const } : m))
      : fields.messages;
  return {
    kind: "openai",
    ...fields,
    messages,
    wantsJson: false,
    lastUserText: messages.filter((m) => m.role === "user").at(-1)?.text ?? "",
  };
}
