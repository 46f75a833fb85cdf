// Just enough of the protobuf wire format to read an OTLP ExportTraceServiceRequest (the shape
// opentelemetry-proto's trace.proto gives it): the tests' receiver reads what exporters send as
// http/protobuf without a code generator. Field numbers are trace.proto's.
import type { ReceivedSpan } from "./types.js";

interface Field {
  no: number;
  /** varint / fixed value, or the bytes of a length-delimited field. */
  value: bigint | Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[at++];
      if (byte === undefined) throw new Error("protobuf: truncated varint");
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    switch (key & 7) {
      case 0:
        yield { no, value: varint() };
        break;
      case 1:
        yield { no, value: buf.readBigUInt64LE(at) };
        at += 8;
        break;
      case 2: {
        const length = Number(varint());
        yield { no, value: buf.subarray(at, at + length) };
        at += length;
        break;
      }
      case 5:
        yield { no, value: BigInt(buf.readUInt32LE(at)) };
        at += 4;
        break;
      default:
        throw new Error(`protobuf: wire type ${key & 7} is not in OTLP traces`);
    }
  }
}

const bytes = (f: Field): Buffer => (Buffer.isBuffer(f.value) ? f.value : Buffer.alloc(0));
const text = (f: Field): string => bytes(f).toString("utf8");

// AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array (of AnyValue, field 1).
function anyValue(buf: Buffer): unknown {
  for (const f of fields(buf)) {
    if (f.no === 1) return text(f);
    if (f.no === 2) return f.value === 1n;
    if (f.no === 3) return Number(BigInt.asIntN(64, f.value as bigint));
    if (f.no === 4) {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(f.value as bigint);
      return b.readDoubleLE();
    }
    if (f.no === 5) return [...fields(bytes(f))].filter((v) => v.no === 1).map((v) => anyValue(bytes(v)));
  }
  return undefined;
}

// KeyValue: 1 key, 2 value.
function keyValues(list: Buffer[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    let key = "";
    let value: unknown;
    for (const f of fields(kv)) {
      if (f.no === 1) key = text(f);
      else if (f.no === 2) value = anyValue(bytes(f));
    }
    out[key] = value;
  }
  return out;
}

const nanosToMs = (value: bigint | Buffer): number => Number((value as bigint) / 1_000_000n);

/** The spans of one ExportTraceServiceRequest (1 resource_spans: 1 resource, 2 scope_spans: 2 spans). */
export function decodeTraces(body: Buffer): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of fields(body)) {
    if (rs.no !== 1) continue;
    let resource: Record<string, unknown> = {};
    const scopes: Buffer[] = [];
    for (const f of fields(bytes(rs))) {
      if (f.no === 1) resource = keyValues([...fields(bytes(f))].filter((a) => a.no === 1).map(bytes));
      else if (f.no === 2) scopes.push(bytes(f));
    }
    for (const scope of scopes)
      for (const s of fields(scope)) {
        if (s.no !== 2) continue;
        const span: ReceivedSpan = { traceId: "", spanId: "", name: "", attributes: {}, resource, startMs: 0, endMs: 0, status: 0 };
        const attributes: Buffer[] = [];
        for (const f of fields(bytes(s))) {
          if (f.no === 1) span.traceId = bytes(f).toString("hex");
          else if (f.no === 2) span.spanId = bytes(f).toString("hex");
          else if (f.no === 4 && bytes(f).length > 0) span.parentSpanId = bytes(f).toString("hex");
          else if (f.no === 5) span.name = text(f);
          else if (f.no === 7) span.startMs = nanosToMs(f.value);
          else if (f.no === 8) span.endMs = nanosToMs(f.value);
          else if (f.no === 9) attributes.push(bytes(f));
          else if (f.no === 15)
            for (const st of fields(bytes(f))) {
              if (st.no === 3) span.status = Number(st.value);
              else if (st.no === 2 && bytes(st).length > 0) span.statusMessage = text(st);
            }
        }
        span.attributes = keyValues(attributes);
        out.push(span);
      }
  }
  return out;
}
