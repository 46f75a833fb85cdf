// The length of a value's JSON without making it: list_agents sizes each row against the result
// cap, and the delivery sizes every result, many times a second with a hundred agents; a
// JSON.stringify for each made a string to throw away (tens of KB per call, young-generation GCs
// in the tail of the latency). The walk allocates nothing for plain data.

/** A character JSON writes as an escape: quote, backslash, control characters, and (lone) surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Digit counts of integers below 10^15 (exact in a double), found by comparison. */
const POWERS = [1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function stringChars(s: string): number {
  // Text with nothing to escape is itself between quotes; the rest is counted character by character.
  return ESCAPED.test(s) ? escapedChars(s) : s.length + 2;
}

// As JSON.stringify writes it: \" \\ \n and the like take 2, other controls and lone surrogates \uXXXX.
function escapedChars(s: string): number {
  let size = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) size += 2;
    else if (c < 0x20) size += 6;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 2;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) size += 6;
    else size += 1;
  }
  return size;
}

function numberChars(n: number): number {
  if (!Number.isFinite(n)) return 4; // null
  const abs = Math.abs(n);
  if (Number.isInteger(n) && abs < 1e15) {
    let digits = 1;
    while (digits <= POWERS.length && abs >= (POWERS[digits - 1] as number)) digits++;
    return n < 0 ? digits + 1 : digits;
  }
  return String(n).length;
}

function objectChars(o: Record<string, unknown>): number {
  let size = 2;
  let fields = 0;
  for (const key in o) {
    if (!Object.hasOwn(o, key)) continue;
    const v = o[key];
    const s = valueChars(v);
    // Fields JSON leaves out (undefined, functions, symbols).
    if (s < 0) continue;
    size += stringChars(key) + 1 + s;
    fields++;
  }
  return size + Math.max(0, fields - 1);
}

// -1 for what JSON leaves out of an object (and writes as null in an array).
function valueChars(v: unknown): number {
  switch (typeof v) {
    case "string":
      return stringChars(v);
    case "number":
      return numberChars(v);
    case "boolean":
      return v ? 4 : 5;
    case "undefined":
    case "function":
    case "symbol":
      return -1;
    case "bigint":
      return (JSON.stringify(v) as string | undefined)?.length ?? -1; // throws, as JSON.stringify does
    default:
      break;
  }
  if (v === null) return 4;
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return (JSON.stringify(v) as string | undefined)?.length ?? -1;
  if (Array.isArray(v)) {
    let size = 2 + Math.max(0, v.length - 1);
    for (const item of v as unknown[]) {
      const s = valueChars(item);
      size += s < 0 ? 4 : s;
    }
    return size;
  }
  return objectChars(v as Record<string, unknown>);
}

/** `JSON.stringify(value).length` (0 when it gives undefined), for data without cycles, computed without building the text. */
export function jsonLength(value: unknown): number {
  return Math.max(0, valueChars(value));
}
