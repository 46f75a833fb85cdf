/** Lines longer than this are dropped (with a notice) so one runaway line can't exhaust memory. */
const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

// CSI/OSC escape sequences some CLIs print even when not on a terminal.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

/**
 * Splits a byte stream into lines. Chunks may end anywhere, even inside a multi-byte character;
 * each line is decoded whole. A newline is searched only in new bytes, so a line of many MB
 * costs O(size), not O(size²).
 */
export class LineFramer {
  #parts: Buffer[] = [];
  #size = 0;
  #skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOversize: (bytes: number) => void = () => undefined,
    readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
    /** Sees every byte of a line that is being dropped, in order, so a reader can still learn what it was. */
    private readonly onSkipped?: (bytes: Buffer) => void,
  ) {}

  push(chunk: Buffer | string): void {
    let buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10)) {
      this.#append(buf.subarray(0, nl));
      this.#emit();
      buf = buf.subarray(nl + 1);
    }
    this.#append(buf);
  }

  /** Emits what is left as a last line (the stream ended without a newline). */
  end(): void {
    if (this.#size > 0 || this.#parts.length > 0) this.#emit();
  }

  #append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#skipping) {
      this.#size += bytes.length;
      this.onSkipped?.(bytes);
      return;
    }
    this.#parts.push(bytes);
    this.#size += bytes.length;
    if (this.#size > this.maxLineBytes) {
      for (const part of this.#parts) this.onSkipped?.(part);
      this.#parts = [];
      this.#skipping = true;
    }
  }

  #emit(): void {
    const size = this.#size;
    const parts = this.#parts;
    const skipped = this.#skipping;
    this.#parts = [];
    this.#size = 0;
    this.#skipping = false;
    if (skipped) {
      this.onOversize(size);
      return;
    }
    this.onLine(Buffer.concat(parts, size).toString("utf8"));
  }
}

/** The result of reading one line as a JSON message. */
type ParsedLine = { kind: "json"; value: unknown } | { kind: "noise"; text: string } | { kind: "empty" };

/**
 * Reads a line as one JSON value. ANSI escapes and a trailing CR are stripped first; anything that
 * is not a JSON object or array is noise (logged by the caller, never fatal).
 */
export function parseLine(line: string): ParsedLine {
  // Most lines hold no escape and no CR: they are passed over by neither the pattern nor a copy.
  const plain = line.includes("\u001b") ? line.replace(ANSI, "") : line;
  const text = (plain.endsWith("\r") ? plain.slice(0, -1) : plain).trim();
  if (text.length === 0) return { kind: "empty" };
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      return { kind: "json", value: JSON.parse(text) as unknown };
    } catch {
      // fall through: a line that merely starts like JSON is still noise
    }
  }
  return { kind: "noise", text };
}
