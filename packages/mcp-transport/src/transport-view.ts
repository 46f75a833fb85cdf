import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

// A transport seen through hooks, for the parts that must see every message between the SDK and
// the wire: the delivery (caps, receipts), the pending publisher (the file before each answer) and
// call tracing. A Proxy rather than a wrapper: the SDK sets `onmessage` and its other callbacks on
// what it is given, and the transport's own methods must keep running on the transport itself.

export interface TransportHooks {
  /** Sees each incoming message before the SDK does, and may hand it on changed. */
  receive?: (message: JSONRPCMessage) => JSONRPCMessage;
  /** Sends in place of the transport's `send` (which it calls itself). */
  send: (message: JSONRPCMessage, options?: TransportSendOptions) => Promise<void>;
}

/** `transport`, with `hooks` on its way in and out. */
export function transportView(transport: Transport, hooks: TransportHooks): Transport {
  const { receive, send } = hooks;
  return new Proxy(transport, {
    set: (target, prop, value: unknown) => {
      if (prop !== "onmessage" || typeof value !== "function" || receive === undefined) return Reflect.set(target, prop, value, target);
      const read = value as NonNullable<Transport["onmessage"]>;
      const onmessage: Transport["onmessage"] = (message, extra) => {
        read(receive(message), extra);
      };
      return Reflect.set(target, prop, onmessage, target);
    },
    get: (target, prop) => {
      if (prop === "send") return send;
      const value = Reflect.get(target, prop, target) as unknown;
      // Methods run on the transport itself, so its private state stays reachable.
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
