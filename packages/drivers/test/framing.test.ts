import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineFramer, parseLine } from "../src/process/framing.js";

function frame(chunks: Buffer[], max?: number): { lines: string[]; oversize: number[] } {
  const lines: string[] = [];
  const oversize: number[] = [];
  const framer = new LineFramer(
    (l) => lines.push(l),
    (n) => oversize.push(n),
    max,
  );
  for (const c of chunks) framer.push(c);
  framer.end();
  return { lines, oversize };
}

// Splits a buffer at arbitrary points, including inside multi-byte characters.
function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe("LineFramer", () => {
  it("yields the same lines however the stream is chunked", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: "grapheme" }).map((s) => s.replace(/\n/g, "")),
          { minLength: 1, maxLength: 20 },
        ),
        fc.array(fc.nat(), { maxLength: 30 }),
        (lines, cuts) => {
          const text = `${lines.join("\n")}\n`;
          const { lines: got } = frame(splitAt(Buffer.from(text, "utf8"), cuts));
          expect(got).toEqual(lines);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("handles a line of many megabytes in small chunks", () => {
    const big = JSON.stringify({ type: "text", data: "é".repeat(3 * 1024 * 1024) });
    const buf = Buffer.from(`${big}\n{"type":"next"}\n`);
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 65_536) chunks.push(buf.subarray(i, i + 65_536));
    const { lines } = frame(chunks);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(big);
    expect(parseLine(lines[1] ?? "")).toEqual({ kind: "json", value: { type: "next" } });
  });

  it("drops a line over the limit and goes on with the next", () => {
    const { lines, oversize } = frame([Buffer.from("x".repeat(100)), Buffer.from("y".repeat(100) + "\nok\n")], 150);
    expect(lines).toEqual(["ok"]);
    expect(oversize).toEqual([200]);
  });

  it("shows every byte of a dropped line, in order, to the one who asks", () => {
    const skipped: Buffer[] = [];
    const lines: string[] = [];
    const framer = new LineFramer(
      (l) => lines.push(l),
      () => undefined,
      150,
      (b) => skipped.push(b),
    );
    for (const chunk of ["a".repeat(100), "b".repeat(100), "c".repeat(20) + "\nok\n"]) framer.push(Buffer.from(chunk));
    expect(Buffer.concat(skipped).toString()).toBe("a".repeat(100) + "b".repeat(100) + "c".repeat(20));
    expect(lines).toEqual(["ok"]);
  });

  it("emits a last line without a trailing newline at end", () => {
    expect(frame([Buffer.from("a\nb")]).lines).toEqual(["a", "b"]);
  });
});

// The escapes' pattern as framing.ts has it: what it strips is what a line without the fast path loses.
// eslint-disable-next-line no-control-regex
const ANSI_FULL = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

describe("parseLine", () => {
  it("reads JSON and strips ANSI escapes and CR", () => {
    expect(parseLine('\u001b[32m{"a":1}\u001b[0m\r')).toEqual({ kind: "json", value: { a: 1 } });
  });

  it("reads a line as the full pattern pass did, escapes and CR or none", () => {
    const esc = fc.constantFrom("\u001b[32m", "\u001b[0m", "\u001b]0;t\u0007", "\r", "\u001b", " ");
    const line = fc.array(fc.oneof(fc.string(), esc, fc.json())).map((parts) => parts.join(""));
    fc.assert(
      fc.property(line, (s) => {
        const text = s.replace(ANSI_FULL, "").replace(/\r$/, "").trim();
        const parsed = parseLine(s);
        if (text.length === 0) expect(parsed).toEqual({ kind: "empty" });
        else if (parsed.kind === "noise") expect(parsed.text).toBe(text);
        else expect(parsed).toEqual({ kind: "json", value: JSON.parse(text) as unknown });
      }),
    );
  });

  it("classifies everything else as noise, never throwing", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const parsed = parseLine(s);
        expect(["json", "noise", "empty"]).toContain(parsed.kind);
      }),
    );
    expect(parseLine("Loaded cached credentials.")).toEqual({ kind: "noise", text: "Loaded cached credentials." });
    expect(parseLine("{not json")).toEqual({ kind: "noise", text: "{not json" });
    expect(parseLine("  ")).toEqual({ kind: "empty" });
  });
});
