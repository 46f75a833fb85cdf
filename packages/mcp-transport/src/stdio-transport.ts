import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { deserializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { LineFramer } from "@subagent-mcp/drivers/light";
import { EnvelopeScanner, type Envelope } from "./json-envelope.js";
import { limitsFrom } from "./limits.js";

interface BoundedStdioOptions {
  /** The longest request line; a longer one is dropped as it streams in and refused. */
  maxRequestBytes: number;
  stdin?: Readable;
  stdout?: Writable;
  /** Where refusals are reported (default stderr: stdout carries only the protocol). */
  log?: (line: string) => void;
}

/**
 * The SDK's stdio transport with a bound on one request instead of on its read buffer. The SDK
 * closes the transport when its buffer passes 10 MiB, which ends the server and every sub-agent;
 * here a line over `maxRequestBytes` is skipped as it arrives (never buffered), answered with a
 * JSON-RPC error when its id can be read, and the server reads on. Lines are split in O(size).
 */
export class BoundedStdioServerTransport extends StdioServerTransport {
  readonly maxRequestBytes: number;

  constructor(options: BoundedStdioOptions) {
    super(options.stdin, options.stdout);
    this.maxRequestBytes = options.maxRequestBytes;
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const envelope = new EnvelopeScanner();
    const framer = new LineFramer(
      (line) => {
        this.#receive(line);
      },
      (bytes) => {
        this.#refuse(bytes, envelope.take(), log);
      },
      options.maxRequestBytes,
      (skipped) => {
        envelope.push(skipped);
      },
    );
    // The base class subscribes this very property in start() and unsubscribes it in close().
    this._ondata = (chunk: Buffer) => {
      framer.push(chunk);
    };
  }

  /** Reads `bytes` as if they had just come in on stdin: what was read before this transport started (the door of `subagent-mcp mcp`). */
  replay(bytes: Buffer): void {
    this._ondata(bytes);
  }

  #receive(line: string): void {
    let message;
    try {
      message = deserializeMessage(line);
    } catch (error) {
      // As the SDK does: a line that is not JSON-RPC is reported, and the next one is read.
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.onmessage?.(message);
  }

  #refuse(bytes: number, envelope: Envelope, log: (line: string) => void): void {
    const what = envelope.method ? (envelope.id === undefined ? "notification" : "request") : "message";
    const message = `${what} of ${bytes} bytes refused: the limit is ${this.maxRequestBytes} bytes (SUBAGENT_MCP_MAX_REQUEST_BYTES)`;
    log(`subagent-mcp: ${message}${envelope.id === undefined ? "" : ` (id ${JSON.stringify(envelope.id)})`}`);
    // Only a request waits for an answer; a response or a notification of ours has nobody to tell.
    if (!envelope.method || envelope.id === undefined) return;
    this.send({
      jsonrpc: "2.0",
      id: envelope.id,
      error: { code: ErrorCode.InvalidRequest, message: `${message}; send less (a file path instead of its contents)` },
    }).catch((error: unknown) => {
      log(`subagent-mcp: could not answer the refused request: ${String(error)}`);
    });
  }
}

/** The stdio transport of `subagent-mcp mcp`, bounded by SUBAGENT_MCP_MAX_REQUEST_BYTES. */
export function stdioTransport(env: Record<string, string | undefined>): BoundedStdioServerTransport {
  return new BoundedStdioServerTransport({ maxRequestBytes: limitsFrom(env).maxRequestBytes });
}
