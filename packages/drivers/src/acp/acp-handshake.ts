import { DriverError } from "../errors.js";

/**
 * `request`'s answer, or a HANDSHAKE_TIMEOUT naming the agent, the step and the limit when none
 * came within `ms`: an agent that never answers its handshake would otherwise hold its launch for ever.
 */
export function answeredWithin<T>(request: Promise<T>, agent: string, step: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new DriverError("HANDSHAKE_TIMEOUT", `${agent} did not answer ${step} within ${String(ms / 1000)} s`));
    }, ms);
  });
  return Promise.race([request, limit]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * The stream of whole JSON lines the ACP SDK reads, fed by `push` from our framer and closed when
 * the process exits. The SDK may cancel it when its connection closes; lines after that are dropped.
 */
export function lineStream(exited: Promise<unknown>): { input: ReadableStream<Uint8Array>; push: (line: string) => void } {
  let open = true;
  let push: (line: string) => void = () => undefined;
  const input = new ReadableStream<Uint8Array>({
    start: (controller) => {
      push = (line) => {
        if (!open) return;
        try {
          controller.enqueue(new TextEncoder().encode(`${line}\n`));
        } catch {
          open = false;
        }
      };
      void exited.then(() => {
        if (!open) return;
        open = false;
        try {
          controller.close();
        } catch {
          // already closed by the other side
        }
      });
    },
    cancel: () => {
      open = false;
    },
  });
  return {
    input,
    push: (line) => {
      push(line);
    },
  };
}
