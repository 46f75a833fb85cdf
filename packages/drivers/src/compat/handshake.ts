import { DriverError } from "../errors.js";
import { LineFramer, parseLine } from "../process/framing.js";
import type { CliProcess } from "../process/process.js";

/** A CLI's cheapest protocol exchange: one message in, and the answer that proves it was understood. */
export interface Probe {
  request: unknown;
  answered(message: Record<string, unknown>): boolean;
}

/** A completed handshake: the milliseconds it took and the CLI's answer (the compatibility checks read it). */
export interface ProbeAnswer {
  ms: number;
  answer: Record<string, unknown>;
}

/**
 * Sends `probe.request` to a started CLI and resolves with the milliseconds until its answer and
 * the answer; rejects with PROTOCOL_ERROR on a timeout or an exit first. The CLI's tree is gone when it settles.
 */
export async function probeCli(proc: CliProcess, probe: Probe, timeoutMs: number): Promise<ProbeAnswer> {
  const t0 = performance.now();
  try {
    return await new Promise<ProbeAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new DriverError("PROTOCOL_ERROR", `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const framer = new LineFramer((line) => {
        const parsed = parseLine(line);
        if (parsed.kind === "json" && typeof parsed.value === "object" && parsed.value !== null && probe.answered(parsed.value as Record<string, unknown>)) {
          clearTimeout(timer);
          resolve({ ms: Math.round(performance.now() - t0), answer: parsed.value as Record<string, unknown> });
        }
      });
      proc.stdout.on("data", (chunk: Buffer) => {
        framer.push(chunk);
      });
      void proc.exited.then((exit) => {
        clearTimeout(timer);
        reject(new DriverError("PROTOCOL_ERROR", `exited (${String(exit.code ?? exit.signal)}) before answering`));
      });
      proc.stdin.write(`${JSON.stringify(probe.request)}\n`);
    });
  } finally {
    await proc.kill().catch(() => undefined);
  }
}
