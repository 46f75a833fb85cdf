import { OFF, type Tracer } from "@subagent-mcp/tracing";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { capToolResult } from "./limits.js";
import { isMadeToSchema } from "./made-to-schema.js";
import { transportView } from "./transport-view.js";
import { listFromPremade } from "./premade-list.js";
import { META_PROTOCOL, PROTOCOL_2026 } from "./tasks-wire.js";

/** What a tool does once its answer is out, or once it is certain it never will be. */
export interface Receipt {
  delivered(): void;
  /** `failed`: the transport could not write it; `dropped`: cancelled or the connection closed first. */
  undelivered(why: "failed" | "dropped"): void;
}

/**
 * The server's outgoing side, between the SDK and the transport. It caps every tool result (the
 * one place the cap is enforced) and tells a tool whether its answer was written, so that taking a
 * message from a mailbox is acknowledged only once the answer carrying it was sent. The SDK calls a
 * handler and sends what it returns, with no hook in between: this is that hook.
 */
export class Delivery {
  readonly #expected = new Map<RequestId, Receipt[]>();
  readonly #sending = new Set<Receipt>();
  /** Requests made under 2026-07-28, by id, with their method: their results carry what that version asks for. */
  readonly #modern = new Map<RequestId, string>();
  /** Answers that go out in place of what the SDK sends for a request: a task instead of a tool result. */
  readonly #instead = new Map<RequestId, Record<string, unknown>>();
  #connected = false;

  /**
   * @param heldUntil What an answer waits for before it goes out, when anything: the journal's writes
   *   of the turns and ends it may report (see JournalWriter.recorded), so that no one hears of a
   *   turn a crash could still take from the record. Undefined: nothing is on its way.
   */
  constructor(
    private readonly maxResultChars: number,
    private readonly heldUntil: () => Promise<void> | undefined = () => undefined,
  ) {}

  /**
   * Runs `receipt` when the answer to `requestId` was written (or could not be, or was cancelled).
   * Without a connected transport there is nothing to wait for: it counts as delivered at once.
   */
  expect(requestId: RequestId, signal: AbortSignal, receipt: Receipt): void {
    if (!this.#connected) {
      receipt.delivered();
      return;
    }
    const list = this.#expected.get(requestId) ?? [];
    list.push(receipt);
    this.#expected.set(requestId, list);
    // The SDK does not answer a cancelled request; once sending has begun, the send decides.
    signal.addEventListener(
      "abort",
      () => {
        this.#settle(requestId, "dropped");
      },
      { once: true },
    );
  }

  /**
   * Sends `result` as the answer to `requestId` in place of the tool result its handler returns.
   * The SDK validates a handler's result as a tool result; a task answer is swapped in here, after.
   */
  instead(requestId: RequestId, result: Record<string, unknown>): void {
    this.#instead.set(requestId, result);
  }

  /** The transport, seen through the delivery: tool results capped, answers reported to their receipts. */
  wrap(transport: Transport): Transport {
    this.#connected = true;
    return transportView(transport, {
      // The SDK's reader: each request that speaks 2026-07-28 is noted, so its answer is completed below.
      receive: (message) => {
        this.#note(message);
        return message;
      },
      send: (message, options) => this.#send(transport, message, options),
    });
  }

  /** The connection is gone: whatever was still on its way will not arrive. */
  abandon(): void {
    this.#instead.clear();
    this.#modern.clear();
    for (const id of [...this.#expected.keys()]) this.#settle(id, "dropped");
    for (const receipt of this.#sending) receipt.undelivered("dropped");
    this.#sending.clear();
  }

  async #send(transport: Transport, message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (!("id" in message) || "method" in message || message.id === undefined) return transport.send(message, options);
    const held = this.heldUntil();
    if (held !== undefined) await held;
    const id = message.id;
    const receipts = this.#expected.get(id) ?? [];
    this.#expected.delete(id);
    const instead = this.#instead.get(id);
    this.#instead.delete(id);
    if (instead !== undefined && "result" in message) message = { ...message, result: instead };
    const method = this.#modern.get(id);
    this.#modern.delete(id);
    if (method !== undefined && "result" in message) message = { ...message, result: completed(method, message.result) };
    const answer = "result" in message && isToolResult(message.result) ? { ...message, result: capToolResult(message.result, this.maxResultChars) } : message;
    if ("error" in answer) {
      for (const r of receipts) r.undelivered("failed");
      return transport.send(answer, options);
    }
    for (const r of receipts) this.#sending.add(r);
    try {
      await transport.send(answer, options);
    } catch (error) {
      for (const r of receipts) if (this.#sending.delete(r)) r.undelivered("failed");
      throw error;
    }
    for (const r of receipts) if (this.#sending.delete(r)) r.delivered();
  }

  #note(message: JSONRPCMessage): void {
    if (!("method" in message) || !("id" in message)) return;
    const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
    if (meta?.[META_PROTOCOL] !== PROTOCOL_2026) return;
    this.#modern.set(message.id, message.method);
    // A request the SDK never answers (cancelled) leaves its note: the oldest go past a bound.
    if (this.#modern.size > 1024) this.#modern.delete(this.#modern.keys().next().value as RequestId);
  }

  #settle(requestId: RequestId, why: "failed" | "dropped"): void {
    const receipts = this.#expected.get(requestId);
    this.#expected.delete(requestId);
    for (const r of receipts ?? []) r.undelivered(why);
  }
}

/**
 * A 2026-07-28 result says what kind it is (`resultType`: a task answer already does), and a list
 * says how long it may be cached: our tool list is fixed for the server's life, but a host keeps
 * it per connection anyway, so it is marked private and not cached beyond the call.
 */
function completed(method: string, result: Record<string, unknown>): Record<string, unknown> {
  const typed = "resultType" in result ? result : { ...result, resultType: "complete" };
  return method.endsWith("/list") ? { ttlMs: 0, cacheScope: "private", ...typed } : typed;
}

function isToolResult(result: unknown): result is CallToolResult {
  return typeof result === "object" && result !== null && Array.isArray((result as { content?: unknown }).content);
}

// The SDK's server makes an Ajv instance (its JSON Schema validator, with its meta-schemas compiled)
// for every server it builds, though only an elicitation's answer is ever validated with it: we make
// one, once, when a schema is first to be checked. Idle servers and the per-request servers of the
// loopback endpoints carry none.
let ajv: AjvJsonSchemaValidator | undefined;
const lazyValidator: jsonSchemaValidator = {
  getValidator: (schema) => (ajv ??= new AjvJsonSchemaValidator()).getValidator(schema),
};

/** An McpServer whose answers go out through its {@link Delivery}, whatever transport it is given. */
type ListHandler = (request: unknown, extra: unknown) => Promise<unknown>;

/** How many tools/list answers a cache keeps (one per set of tools: per agent where they name it). */
const LISTINGS_KEPT = 64;

export class DeliveryServer extends McpServer {
  constructor(
    info: ConstructorParameters<typeof McpServer>[0],
    options: ConstructorParameters<typeof McpServer>[1],
    readonly delivery: Delivery,
    /** Where its tool calls go as spans (OFF: not traced, as the rehearsal's, which no user made). */
    private readonly tracer: Tracer = OFF,
  ) {
    super(info, { jsonSchemaValidator: lazyValidator, ...options });
    // The SDK's check of a result against its tool's output schema (a private step of its call
    // handler, with no option to skip it), left out for results built from the schema's own types.
    const sdk = this as unknown as { validateToolOutput?: (tool: unknown, result: unknown, name: string) => Promise<void> };
    const check = sdk.validateToolOutput?.bind(this);
    if (check !== undefined) sdk.validateToolOutput = (tool, result, name) => (isMadeToSchema(result) ? Promise.resolve() : check(tool, result, name));
  }

  /**
   * Answers tools/list from `cache` under `key` once one answer was made. A server built per request
   * (the loopback endpoints are stateless) would otherwise turn every tool's schemas into JSON Schema
   * again for each listing: tens of milliseconds for our tools. The same `key` must mean the same
   * tools, described the same. (The SDK keeps its handlers in a private map: without it, no cache.)
   */
  cacheToolList(cache: Map<string, unknown>, key: string): void {
    const handlers = (this.server as unknown as { _requestHandlers?: Map<string, ListHandler> })._requestHandlers;
    const list = handlers?.get("tools/list");
    if (handlers === undefined || list === undefined) return;
    handlers.set("tools/list", async (request, extra) => {
      if ((request as { params?: { cursor?: unknown } }).params?.cursor !== undefined) return list(request, extra);
      let made = cache.get(key);
      if (made === undefined) {
        cache.set(key, (made = await list(request, extra)));
        // Bounded: the oldest listing goes first (a Map keeps its insertion order).
        if (cache.size > LISTINGS_KEPT) cache.delete(cache.keys().next().value as string);
      }
      return { ...(made as object) };
    });
  }

  override async connect(transport: Transport): Promise<void> {
    // Its tools are registered by now: tools/list answers from the build's JSON Schemas.
    listFromPremade(this);
    const closed = this.server.onclose;
    this.server.onclose = () => {
      this.delivery.abandon();
      closed?.();
    };
    // While tracing is on, each tool call is a span (traced-calls.ts, loaded only then).
    const through = this.tracer.on ? (await import("./traced-calls.js")).traceCalls(transport, this.tracer) : transport;
    await super.connect(this.delivery.wrap(through));
  }
}
