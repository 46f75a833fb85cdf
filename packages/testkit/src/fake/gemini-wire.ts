import { z } from "zod";
import type { FakeMessage, FakeRequest, FakeUsage } from "./types.js";

// Only the fields the fake reads are declared; the rest of what Gemini CLI sends (thoughtSignature,
// ids, thinkingConfig, safety settings, ...) passes through zod untouched and is ignored.
const Part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z.looseObject({ name: z.string().default(""), args: z.unknown().optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string().optional(), response: z.unknown().optional() }).optional(),
});
/** One part of a Gemini content: text, a function call or a function response. */
export type Part = z.infer<typeof Part>;

const Content = z.looseObject({ role: z.string().optional(), parts: z.array(Part).default([]) });

/** The part of a `generateContent` / `streamGenerateContent` / `countTokens` body the fake understands. */
const GenerateBody = z.looseObject({
  // The REST API also takes a bare string as system instruction; the SDK sends a content.
  systemInstruction: z.union([z.string(), Content]).optional(),
  contents: z.array(Content).default([]),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(z.looseObject({ name: z.string() })).optional() })).default([]),
  generationConfig: z
    .looseObject({ responseMimeType: z.string().optional(), responseSchema: z.unknown().optional(), responseJsonSchema: z.unknown().optional() })
    .optional(),
});
/** A parsed Gemini request body. */
export type GenerateBody = z.infer<typeof GenerateBody>;

/** Reads a body as a Gemini request; undefined when it is not one (the fake then answers 400). */
export function readGenerateBody(body: unknown): GenerateBody | undefined {
  const parsed = GenerateBody.safeParse(body ?? {});
  return parsed.success ? parsed.data : undefined;
}

// Gemini CLI puts its own context (date, OS, folder listing, GEMINI.md, hook output) in user parts
// wrapped in <..._context> tags, beside or before what the user typed: directives and echoes must
// only see the user's own words.
function isInjected(part: Part): boolean {
  return /^\s*<[a-z_]+_context>/.test(part.text ?? "");
}

/** Flattens parts to text; thoughts are dropped, calls become `[functionCall NAME] {args}`. */
function flatten(parts: Part[]): string {
  return parts
    .map((p) => {
      if (p.functionCall !== undefined) return `[functionCall ${p.functionCall.name}] ${JSON.stringify(p.functionCall.args ?? {})}`;
      if (p.functionResponse !== undefined) return JSON.stringify(p.functionResponse.response ?? {});
      return p.thought === true ? "" : (p.text ?? "");
    })
    .filter((text) => text.length > 0)
    .join("\n");
}

/** Turns a parsed Gemini body into the fake's protocol-neutral request. */
export function toFakeRequest(path: string, model: string, stream: boolean, body: GenerateBody): FakeRequest {
  const messages: FakeMessage[] = [];
  const system = typeof body.systemInstruction === "string" ? body.systemInstruction : flatten(body.systemInstruction?.parts ?? []);
  if (system.length > 0) messages.push({ role: "system", text: system });
  let lastUserText = "";
  let afterToolResult = false;
  for (const content of body.contents) {
    const responses = content.parts.filter((p) => p.functionResponse !== undefined);
    if (responses.length > 0) {
      // A user content carrying function responses answers the model's call: the tool speaking.
      messages.push({ role: "tool", text: flatten(responses) });
      afterToolResult = true;
      continue;
    }
    afterToolResult = false;
    if (content.role === "model") {
      messages.push({ role: "assistant", text: flatten(content.parts) });
      continue;
    }
    // The context comes as a content of its own (router) or as the first part of the prompt's content.
    const injected = flatten(content.parts.filter(isInjected));
    if (injected.length > 0) messages.push({ role: "system", text: injected });
    const text = flatten(content.parts.filter((p) => !isInjected(p)));
    if (text.length === 0) continue;
    messages.push({ role: "user", text });
    lastUserText = text;
  }
  const gen = body.generationConfig;
  return {
    kind: "gemini",
    path,
    model,
    stream,
    messages,
    tools: body.tools.flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name)).filter((name) => name.length > 0),
    wantsJson: gen?.responseMimeType === "application/json" || gen?.responseSchema !== undefined || gen?.responseJsonSchema !== undefined,
    afterToolResult,
    lastUserText,
  };
}

const Schema = z.looseObject({
  type: z.string().optional(),
  enum: z.array(z.unknown()).optional(),
  minimum: z.number().optional(),
  get properties() {
    return z.record(z.string(), Schema).optional();
  },
});
type Schema = z.infer<typeof Schema>;

/** A value that satisfies a (Gemini or JSON) schema: first enum value, 1 for numbers, text for strings. */
function sample(schema: Schema, name: string): unknown {
  if (schema.enum !== undefined && schema.enum.length > 0) return schema.enum[0];
  switch (schema.type?.toLowerCase()) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, sub]) => [key, sample(sub, key)]));
    case "array":
      return [];
    case "integer":
    case "number":
      // >= 1: the model router rejects a complexity_score below 1.
      return Math.max(1, schema.minimum ?? 1);
    case "boolean":
      return false;
    default:
      return `fake ${name}`;
  }
}

/**
 * The JSON text a side request that demands JSON gets. The model router (utility_router) asks for
 * `{complexity_reasoning, complexity_score}`; other utility calls (next speaker, loop detection)
 * get a value built from their schema, so whatever Gemini CLI validates stays well-formed.
 */
export function jsonAnswer(body: GenerateBody): string {
  const parsed = Schema.safeParse(body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema);
  if (!parsed.success || parsed.data.properties === undefined) {
    return JSON.stringify({ complexity_reasoning: "the fake routes every request as simple", complexity_score: 1 });
  }
  return JSON.stringify(sample(parsed.data, "value"));
}

/** Gemini's usageMetadata; promptTokenCount includes the cached tokens, as on the real API. */
export function wireUsage(usage: FakeUsage): Record<string, number> {
  return {
    promptTokenCount: usage.input + usage.cacheRead,
    candidatesTokenCount: usage.output,
    totalTokenCount: usage.input + usage.cacheRead + usage.output,
    ...(usage.cacheRead > 0 ? { cachedContentTokenCount: usage.cacheRead } : {}),
  };
}

/** One GenerateContentResponse: a whole reply, or one SSE chunk of it. */
export function candidate(model: string, parts: Part[], finishReason?: string, usage?: FakeUsage): Record<string, unknown> {
  return {
    candidates: [{ content: { role: "model", parts }, ...(finishReason === undefined ? {} : { finishReason }), index: 0 }],
    ...(usage === undefined ? {} : { usageMetadata: wireUsage(usage) }),
    // Gemini CLI keys its per-model stats by modelVersion: report the model that was asked for.
    modelVersion: model,
  };
}

// google.rpc.Code names per HTTP status; 529 is not Google's, but "overloaded" maps to UNAVAILABLE.
const STATUS: Partial<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
  529: "UNAVAILABLE",
};

/** How long a fake 429 tells the client to wait, in seconds (RetryInfo and the message, as the Gemini API does). */
export const QUOTA_RETRY_SECONDS = 42;

/**
 * Google's error body for an HTTP status. With `quota` (`[[ratelimit]]` beside `[[error:429]]`),
 * a 429 is the Gemini API's whole quota error, the only place that API tells of its limits: the
 * quota named in the message and in a QuotaFailure detail, and the wait in the message ("Please
 * retry in …") and in a RetryInfo detail, which is what Gemini CLI classifies a quota error by.
 */
export function errorBody(status: number, message: string, quota = false): { error: { code: number; message: string; status: string; details?: unknown[] } } {
  const error = { code: status, message, status: STATUS[status] ?? "UNKNOWN" };
  if (status !== 429 || !quota) return { error };
  const metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests";
  return {
    error: {
      ...error,
      message: `${message}: You exceeded your current quota, please check your plan and billing details.\n* Quota exceeded for metric: ${metric}, limit: 10\nPlease retry in ${QUOTA_RETRY_SECONDS}s.`,
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [{ quotaMetric: metric, quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", quotaValue: "10" }],
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${QUOTA_RETRY_SECONDS}s` },
      ],
    },
  };
}
