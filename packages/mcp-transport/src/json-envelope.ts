import { definedFields } from "@subagent-mcp/contract/fields";
/** What an oversized JSON-RPC line said about itself: enough to answer it with an error. */
export interface Envelope {
  /** The top-level `id` (a request or a response), when it was a string or a number. */
  id?: string | number;
  /** Whether the top level has a `method`: a request when it also has an id, else a notification. */
  method: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// A member name or id longer than this is not one we answer to.
const MAX_CAPTURE = 256;

/**
 * Finds the top-level `id` and `method` of one JSON-RPC message fed to it in pieces, holding a few
 * hundred bytes whatever the message's size. A streaming JSON parser would hold a huge string value
 * whole; this only tracks nesting and strings, and keeps the top level's short tokens. The MCP SDK's
 * clients write `id` last, after `params`, so the whole line has to be seen.
 */
export class EnvelopeScanner {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #expectKey = false;
  #key: string | undefined;
  #capture: number[] | undefined;
  #captureKind: "key" | "string" | "scalar" | undefined;
  #id: string | number | undefined;
  #method = false;
  #broken = false;

  push(bytes: Buffer): void {
    for (const byte of bytes) {
      if (this.#broken) return;
      if (this.#inString) this.#inStringByte(byte);
      else this.#structuralByte(byte);
    }
  }

  /** What was learned, and a fresh start for the next line. */
  take(): Envelope {
    this.#endScalar();
    const out: Envelope = { method: this.#method, ...definedFields({ id: this.#id }) };
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
    this.#expectKey = false;
    this.#method = false;
    this.#broken = false;
    this.#key = undefined;
    this.#capture = undefined;
    this.#captureKind = undefined;
    this.#id = undefined;
    return out;
  }

  #inStringByte(byte: number): void {
    if (this.#escaped) this.#escaped = false;
    else if (byte === BACKSLASH) this.#escaped = true;
    else if (byte === QUOTE) {
      this.#inString = false;
      this.#endString();
      return;
    }
    this.#keep(byte);
  }

  #structuralByte(byte: number): void {
    switch (byte) {
      case QUOTE:
        this.#inString = true;
        if (this.#depth === 1) this.#startCapture(this.#expectKey ? "key" : "string");
        return;
      case 0x7b: // {
      case 0x5b: // [
        if (this.#depth === 0 && byte !== 0x7b) this.#broken = true;
        this.#depth += 1;
        if (this.#depth === 1) this.#expectKey = true;
        return;
      case 0x7d: // }
      case 0x5d: // ]
        if (this.#depth === 1) this.#endScalar();
        this.#depth -= 1;
        return;
      case 0x3a: // :
        if (this.#depth === 1) this.#expectKey = false;
        return;
      case 0x2c: // ,
        if (this.#depth === 1) {
          this.#endScalar();
          this.#expectKey = true;
          this.#key = undefined;
        }
        return;
      case 0x20:
      case 0x09:
      case 0x0a:
      case 0x0d:
        if (this.#depth === 1) this.#endScalar();
        return;
      default:
        // A number or a literal at the top level: only an id's is worth keeping.
        if (this.#depth === 1 && !this.#expectKey && this.#captureKind === undefined) this.#startCapture("scalar");
        this.#keep(byte);
    }
  }

  #startCapture(kind: "key" | "string" | "scalar"): void {
    const wanted = kind === "key" || this.#key === "id";
    this.#capture = wanted ? [] : undefined;
    this.#captureKind = kind;
  }

  #keep(byte: number): void {
    if (this.#capture === undefined) return;
    if (this.#capture.length >= MAX_CAPTURE) this.#capture = undefined;
    else this.#capture.push(byte);
  }

  #endString(): void {
    const kind = this.#captureKind;
    const raw = this.#taken();
    if (kind === "key") {
      const key = raw === undefined ? undefined : decode(`"${raw}"`);
      this.#key = typeof key === "string" ? key : undefined;
      if (this.#key === "method") this.#method = true;
    } else if (kind === "string" && this.#key === "id" && raw !== undefined) {
      const id = decode(`"${raw}"`);
      if (typeof id === "string") this.#id = id;
    }
  }

  #endScalar(): void {
    if (this.#captureKind !== "scalar") return;
    const raw = this.#taken();
    if (this.#key !== "id" || raw === undefined) return;
    const id = decode(raw);
    if (typeof id === "number") this.#id = id;
  }

  #taken(): string | undefined {
    const bytes = this.#capture;
    this.#capture = undefined;
    this.#captureKind = undefined;
    return bytes === undefined ? undefined : Buffer.from(bytes).toString("utf8");
  }
}

function decode(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}
