import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { SpanHandle, Tracer } from "@subagent-mcp/tracing";
import { transportView } from "./transport-view.js";

// One span per MCP tool call, named after the tool, from the request's arrival to its answer's
// departure. A host that sends a W3C `traceparent` in the request's `_meta` gets its trace
// continued; the handler then finds the call's own span there instead (the server's call-trace.ts), so that
// what a call starts (an agent's life) is its child. Used only while tracing is on.

type Id = string | number;

/** `transport`, with each tools/call it carries traced by `tracer`. */
export function traceCalls(transport: Transport, tracer: Tracer): Transport {
  const open = new Map<Id, SpanHandle>();
  const send = async (message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> => {
    if ("id" in message && !("method" in message) && message.id !== undefined) {
      const span = open.get(message.id);
      open.delete(message.id);
      if (span !== undefined) answered(span, message);
    }
    return transport.send(message, options);
  };
  return transportView(transport, {
    receive: (message) => {
      const span = "method" in message && message.method === "tools/call" && "id" in message ? started(tracer, message) : undefined;
      if (span === undefined) return message;
      open.set(span.id, span.span);
      return withCallTrace(message, span.span.traceparent);
    },
    send,
  });
}

interface CallParams {
  name?: unknown;
  arguments?: { agent_id?: unknown; agent?: unknown };
  _meta?: { traceparent?: unknown };
}

function started(tracer: Tracer, message: JSONRPCMessage & { id: Id; params?: unknown }): { id: Id; span: SpanHandle } {
  const params = (message.params ?? {}) as CallParams;
  const tool = typeof params.name === "string" ? params.name : "unknown";
  const parent = params._meta?.traceparent;
  const agent = params.arguments?.agent_id ?? params.arguments?.agent;
  const span = tracer.start(tool, {
    kind: "server",
    ...(typeof parent === "string" ? { parent } : {}),
    attributes: {
      "mcp.method.name": "tools/call",
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": tool,
      "jsonrpc.request.id": String(message.id),
      "subagent_mcp.agent.id": typeof agent === "string" ? agent : undefined,
    },
  });
  return { id: message.id, span };
}

interface Answer {
  result?: { isError?: boolean; content?: { type?: string; text?: string }[]; structuredContent?: { agent_id?: unknown } };
  error?: { message?: string };
}

function answered(span: SpanHandle, message: JSONRPCMessage): void {
  const { result, error } = message as Answer;
  const agent = result?.structuredContent?.agent_id;
  if (typeof agent === "string") span.set({ "subagent_mcp.agent.id": agent });
  if (error !== undefined) span.fail(error.message ?? "JSON-RPC error");
  else if (result?.isError === true) span.fail((result.content?.find((c) => c.type === "text")?.text ?? "tool error").slice(0, 200));
  span.end();
}

// The request as the SDK hands it on: its `_meta.traceparent` is the call's span.
function withCallTrace(message: JSONRPCMessage, traceparent: string): JSONRPCMessage {
  const params = (message as { params?: CallParams }).params ?? {};
  return { ...message, params: { ...params, _meta: { ...params._meta, traceparent } } };
}
