// The protocol-neutral request both OpenAI readers (Responses and Chat Completions) build: they differ
// in how they find the messages, the tools and whether a tool result came last, not in the rest.
import type { FakeRequest } from "./types.js";

/** What an OpenAI reader found in a request body. */
export type OpenAIRequestFields = Pick<FakeRequest, "path" | "model" | "stream" | "messages" | "tools" | "afterToolResult">;

/** The fake's request for an OpenAI call: never a JSON side call; the last user message's text picked out. */
export function openaiRequest(fields: OpenAIRequestFields): FakeRequest {
  return {
    kind: "openai",
    ...fields,
    wantsJson: false,
    lastUserText: fields.messages.filter((m) => m.role === "user").at(-1)?.text ?? "",
  };
}
