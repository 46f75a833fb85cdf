/** A JSON-RPC error answered by the peer. */
export class RpcError extends Error {
  override readonly name = "RpcError";
  constructor(
    readonly rpcCode: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Handlers for what the peer sends on its own. */
export interface RpcHandlers {
  onNotification(method: string, params: unknown): void;
  /** Answers a request from the peer (`id`: its JSON-RPC id, as text); throw an RpcError to answer with an error. */
  onRequest(method: string, params: unknown, id: string): Promise<unknown>;
}

/**
 * A minimal JSON-RPC peer over a line transport. `jsonrpcField` is false for Codex's app-server,
 * which omits the "jsonrpc" member on the wire.
 */
export class RpcPeer {
  #nextId = 1;
  readonly #waiting = new Map<number, Waiting>();
  #closed: Error | undefined;

  constructor(
    private readonly write: (message: unknown) => void,
    private readonly handlers: RpcHandlers,
    private readonly jsonrpcField: boolean,
  ) {}

  /** `beside`: fields of the request next to `params` (Codex's app-server reads a W3C `trace` there). */
  request<T>(method: string, params: unknown, beside?: Record<string, unknown>): Promise<T> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.write(this.#frame({ ...beside, id, method, params }));
    });
  }

  notify(method: string, params?: unknown): void {
    this.write(this.#frame(params === undefined ? { method } : { method, params }));
  }

  /** Feeds one parsed message from the peer. */
  receive(message: unknown): void {
    if (typeof message !== "object" || message === null) return;
    const m = message as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    if (typeof m.method === "string") {
      if (m.id === undefined || m.id === null) this.handlers.onNotification(m.method, m.params);
      else this.#answer(m.id, m.method, m.params);
      return;
    }
    if (typeof m.id !== "number") return;
    const waiting = this.#waiting.get(m.id);
    if (waiting === undefined) return;
    this.#waiting.delete(m.id);
    if (m.error !== undefined && m.error !== null) {
      const e = m.error as { code?: unknown; message?: unknown; data?: unknown };
      waiting.reject(new RpcError(typeof e.code === "number" ? e.code : -32000, typeof e.message === "string" ? e.message : "error", e.data));
    } else waiting.resolve(m.result);
  }

  /** Fails every request still waiting (the process is gone). */
  close(reason: Error): void {
    this.#closed = reason;
    for (const waiting of this.#waiting.values()) waiting.reject(reason);
    this.#waiting.clear();
  }

  #answer(id: unknown, method: string, params: unknown): void {
    this.handlers.onRequest(method, params, String(id)).then(
      (result) => {
        this.write(this.#frame({ id, result }));
      },
      (error: unknown) => {
        const rpc = error instanceof RpcError ? error : new RpcError(-32603, String(error));
        this.write(this.#frame({ id, error: { code: rpc.rpcCode, message: rpc.message } }));
      },
    );
  }

  #frame(message: Record<string, unknown>): Record<string, unknown> {
    return this.jsonrpcField ? { jsonrpc: "2.0", ...message } : message;
  }
}
