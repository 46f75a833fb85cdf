import { z } from "zod";

// The parts of Claude Code's stream-json output that we read; everything else passes through.
const UsageWire = z.looseObject({
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  cache_read_input_tokens: z.number().optional(),
  cache_creation_input_tokens: z.number().optional(),
});

const ContentBlock = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  tool_use_id: z.string().optional(),
  is_error: z.boolean().optional(),
  /** A tool_result's content: text, or text blocks (a failed Bash's starts "Exit code N"). */
  content: z.unknown().optional(),
});

/** One line of `claude --output-format stream-json` that matters to the driver. */
export const ClaudeLine = z.union([
  z.looseObject({
    type: z.literal("system"),
    subtype: z.string(),
    session_id: z.string().optional(),
    model: z.string().optional(),
    /** On `init`: each MCP server of the session and how its start went (connected, failed, pending, needs-auth, disabled). */
    mcp_servers: z
      .array(z.looseObject({ name: z.string(), status: z.string(), error: z.string().optional() }))
      .optional()
      .catch(undefined),
  }),
  z.looseObject({
    type: z.literal("assistant"),
    message: z.looseObject({ content: z.array(ContentBlock).or(z.string()), model: z.string().optional() }),
  }),
  z.looseObject({ type: z.literal("user"), message: z.looseObject({ content: z.array(ContentBlock).or(z.string()) }) }),
  z.looseObject({
    type: z.literal("result"),
    subtype: z.string(),
    is_error: z.boolean().optional(),
    result: z.string().optional(),
    errors: z.array(z.string()).optional(),
    session_id: z.string().optional(),
    total_cost_usd: z.number().optional(),
    duration_ms: z.number().optional(),
    usage: UsageWire.optional(),
    /** Tool uses refused in the turn, by Claude's own rules (`--disallowedTools`) or by us. */
    permission_denials: z
      .array(z.looseObject({ tool_name: z.string(), tool_use_id: z.string().optional(), tool_input: z.record(z.string(), z.unknown()).optional() }))
      .optional()
      .catch(undefined),
  }),
  z.looseObject({ type: z.literal("control_response"), response: z.looseObject({ subtype: z.string(), request_id: z.string().optional() }) }),
  // A question from the CLI to us; with `--permission-prompt-tool stdio`, `can_use_tool` asks for a tool use.
  z.looseObject({
    type: z.literal("control_request"),
    request_id: z.string(),
    request: z.looseObject({
      subtype: z.string(),
      tool_name: z.string().optional(),
      input: z.record(z.string(), z.unknown()).optional(),
      permission_suggestions: z.array(z.unknown()).optional(),
      blocked_path: z.string().optional(),
      /** For `hook_callback`: which of the hooks we registered in `initialize` is called. */
      callback_id: z.string().optional(),
      /** The tool use a `can_use_tool` or `hook_callback` is about. */
      tool_use_id: z.string().optional(),
    }),
  }),
  // With --include-partial-messages: the model's stream as it comes (we read its text deltas).
  z.looseObject({
    type: z.literal("stream_event"),
    event: z.looseObject({ type: z.string(), delta: z.looseObject({ type: z.string(), text: z.string().optional() }).optional() }),
  }),
  // The CLI no longer waits for the answer to one of its control requests (e.g. the turn was interrupted).
  z.looseObject({ type: z.literal("control_cancel_request"), request_id: z.string() }),
  // The account's rate-limit state changed (subscription or gateway auth only; see rate-limits.ts).
  z.looseObject({ type: z.literal("rate_limit_event"), rate_limit_info: z.unknown() }),
]);
export type ClaudeLine = z.infer<typeof ClaudeLine>;
export type ClaudeUsage = z.infer<typeof UsageWire>;
