import type { Readable, Writable } from "node:stream";
import { CAPABILITIES, instructionsOf, TOOLSETS, toolsetsFrom } from "@subagent-mcp/contract/handshake";
import { depthFrom } from "@subagent-mcp/contract/nesting-env";
import { messagingIdentity } from "@subagent-mcp/mailbox/identity";

// Why: a host waits for `initialize` before it asks anything else, and the answer is made of our
// name, version, capabilities and instructions: strings, and what the environment says. So the door
// answers it as soon as it comes in, the way the SDK would, and only then does the server load (its
// tools, its schemas, the SDK's protocol). Everything read so far is handed over untouched: the
// server reads the same bytes, `initialize` included, and its own answer to that one is not sent.

/** An `initialize` line is a few KB: past this without a line's end, the server's bounded transport takes over (SUBAGENT_MCP_MAX_REQUEST_BYTES). */
const FIRST_LINE_BYTES = 65_536;

/** What the door read, and the answer it gave, for the server it hands over to. */
export interface Handover {
  /** Every byte read from stdin so far, in order: the server reads them first. */
  read: Buffer[];
  /** The `initialize` the door answered (its id and its answer's result), if it answered one. */
  answered?: { id: string | number; result: Record<string, unknown> };
  /** stdin ended while the door held it. */
  ended: boolean;
}

interface DoorOptions {
  stdin: Readable;
  stdout: Writable;
  env: Record<string, string | undefined>;
  version: string;
  /** The protocol versions the SDK negotiates (made at build time); undefined: answer nothing, hand everything over. */
  protocolVersions: readonly string[] | undefined;
}

/** The `initialize` result the server will give for this request, or undefined when the door should leave it to the server. */
export function initializeResult(request: unknown, o: Omit<DoorOptions, "stdin" | "stdout">): Record<string, unknown> | undefined {
  const r = request as { jsonrpc?: unknown; method?: unknown; id?: unknown; params?: { protocolVersion?: unknown } } | null;
  if (r === null || typeof r !== "object" || r.jsonrpc !== "2.0" || r.method !== "initialize") return undefined;
  if (typeof r.id !== "string" && typeof r.id !== "number") return undefined;
  const asked = r.params?.protocolVersion;
  // A version the SDK would not echo (it would offer its latest) is left to the SDK.
  if (typeof asked !== "string" || o.protocolVersions?.includes(asked) !== true) return undefined;
  const { toolsets, unknown } = toolsetsFrom(o.env.SUBAGENT_MCP_TOOLSETS);
  // A misnamed toolset is the server's to refuse (it says so and exits).
  if (unknown !== undefined) return undefined;
  const messaging = messagingIdentity(o.env, depthFrom(o.env)) !== undefined;
  const instructions = instructionsOf(toolsets ?? TOOLSETS, messaging);
  return {
    protocolVersion: asked,
    capabilities: CAPABILITIES,
    serverInfo: { name: "subagent-mcp", version: o.version },
    ...(instructions === "" ? {} : { instructions }),
  };
}

/**
 * Reads stdin up to its first line; answers it when it is an `initialize` the door can answer
 * (initializeResult), then stops reading (stdin is left paused) and hands over what it read.
 */
export function openDoor(o: DoorOptions): Promise<Handover> {
  const read: Buffer[] = [];
  return new Promise((resolve) => {
    let scanned = 0;
    const handOver = (handover: Omit<Handover, "read">): void => {
      o.stdin.off("data", onData);
      o.stdin.off("end", onEnd);
      o.stdin.pause();
      resolve({ read, ...handover });
    };
    const onData = (chunk: Buffer): void => {
      read.push(chunk);
      const at = chunk.indexOf(10);
      if (at < 0) {
        scanned += chunk.length;
        if (scanned > FIRST_LINE_BYTES) handOver({ ended: false });
        return;
      }
      const line = Buffer.concat(read)
        .subarray(0, scanned + at)
        .toString("utf8");
      let request: unknown;
      try {
        request = JSON.parse(line);
      } catch {
        handOver({ ended: false });
        return;
      }
      const result = initializeResult(request, o);
      if (result === undefined) {
        handOver({ ended: false });
        return;
      }
      const id = (request as { id: string | number }).id;
      // As the SDK's transport writes an answer: one line, its keys in this order.
      o.stdout.write(`${JSON.stringify({ result, jsonrpc: "2.0", id })}\n`);
      handOver({ answered: { id, result }, ended: false });
    };
    const onEnd = (): void => {
      handOver({ ended: true });
    };
    o.stdin.on("data", onData);
    o.stdin.on("end", onEnd);
  });
}
