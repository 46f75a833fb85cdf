import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { capToolResult } from "./limits.js";

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
export class Outbox {
  readonly #expected = new Map<RequestId, Receipt[]>();
  readonly #sending = new Set<Receipt>();
  #connected = false;

  constructor(private readonly maxResultChars: number) {}

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

  /** The transport, seen through the outbox: tool results capped, answers reported to their receipts. */
  wrap(transport: Transport): Transport {
    this.#connected = true;
    const send = (message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> => this.#send(transport, message, options);
    return new Proxy(transport, {
      get: (target, prop) => {
        if (prop === "send") return send;
        const value = Reflect.get(target, prop, target) as unknown;
        // Methods run on the transport itself, so its private state stays reachable.
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** The connection is gone: whatever was still on its way will not arrive. */
  abandon(): void {
    for (const id of [...this.#expected.keys()]) this.#settle(id, "dropped");
    for (const receipt of this.#sending) receipt.undelivered("dropped");
    this.#sending.clear();
  }

  async #send(transport: Transport, message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (!("id" in message) || "method" in message || message.id === undefined) return transport.send(message, options);
    const receipts = this.#expected.get(message.id) ?? [];
    this.#expected.delete(message.id);
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

  #settle(requestId: RequestId, why: "failed" | "dropped"): void {
    const receipts = this.#expected.get(requestId);
    this.#expected.delete(requestId);
    for (const r of receipts ?? []) r.undelivered(why);
  }
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

/** An McpServer whose answers go out through its {@link Outbox}, whatever transport it is given. */
export class OutboxServer extends McpServer {
  constructor(
    info: ConstructorParameters<typeof McpServer>[0],
    options: ConstructorParameters<typeof McpServer>[1],
    readonly outbox: Outbox,
  ) {
    super(info, { jsonSchemaValidator: lazyValidator, ...options });
  }

  override async connect(transport: Transport): Promise<void> {
    const closed = this.server.onclose;
    this.server.onclose = () => {
      this.outbox.abandon();
      closed?.();
    };
    await super.connect(this.outbox.wrap(transport));
  }
}
