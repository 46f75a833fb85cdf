import { EventEmitter, once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { decodeTraces } from "./protobuf.js";
import type { ReceivedSpan } from "./types.js";

// An OTLP/HTTP receiver on 127.0.0.1 for the tests: it takes traces in either encoding
// (http/protobuf, http/json; gzip or not), keeps every span, and answers like a collector. Tests
// wait on it for spans (events, never sleeps) and read every request it got (none, when tracing is off).

/** One request the receiver got. */
interface ReceivedRequest {
  path: string;
  contentType: string;
  userAgent: string;
  spans: number;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly spans: readonly ReceivedSpan[];
  readonly requests: readonly ReceivedRequest[];
  /** Resolves with the spans once `until` holds for those received so far (checked on each arrival). */
  waitFor(until: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<readonly ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: ReceivedRequest[] = [];
  const arrived = new EventEmitter();
  const server = createServer((req, res) => {
    void read(req).then(
      (body) => {
        const contentType = req.headers["content-type"] ?? "";
        let got: ReceivedSpan[] = [];
        try {
          if (req.url?.endsWith("/v1/traces") === true) got = contentType.includes("json") ? decodeJson(body) : decodeTraces(body);
        } catch (error) {
          res.writeHead(400).end(String(error));
          return;
        }
        requests.push({ path: req.url ?? "", contentType, userAgent: req.headers["user-agent"] ?? "", spans: got.length });
        spans.push(...got);
        arrived.emit("spans");
        // An empty ExportTraceServiceResponse in either encoding.
        res.writeHead(200, { "content-type": contentType.includes("json") ? "application/json" : "application/x-protobuf" });
        res.end(contentType.includes("json") ? "{}" : "");
      },
      () => res.writeHead(400).end(),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    waitFor: (until, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!until(spans)) return;
          clearTimeout(timer);
          arrived.off("spans", check);
          resolve(spans);
        };
        const timer = setTimeout(() => {
          arrived.off("spans", check);
          reject(new Error(`the OTLP receiver's ${spans.length} span(s) never met the condition: ${spans.map((s) => s.name).join(", ")}`));
        }, timeoutMs);
        arrived.on("spans", check);
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
}

interface JsonValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: JsonValue[] };
}
interface JsonKeyValue {
  key: string;
  value?: JsonValue;
}
interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: JsonKeyValue[];
  status?: { code?: number; message?: string };
}
interface JsonRequest {
  resourceSpans?: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans?: { spans?: JsonSpan[] }[] }[];
}

function value(v: JsonValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(value);
  return undefined;
}

const attrs = (list: JsonKeyValue[] | undefined): Record<string, unknown> => Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));
const ms = (nanos: string | number | undefined): number => (nanos === undefined ? 0 : Number(BigInt(nanos) / 1_000_000n));
// OTLP/JSON carries ids as hex; some exporters send base64 as in proto3's JSON mapping.
const hex = (id: string, length: number): string =>
  /^[0-9a-f]+$/i.test(id) && id.length === length ? id.toLowerCase() : Buffer.from(id, "base64").toString("hex");

function decodeJson(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString("utf8")) as JsonRequest;
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const resource = attrs(rs.resource?.attributes);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: hex(s.traceId, 32),
        spanId: hex(s.spanId, 16),
        ...(s.parentSpanId === undefined || s.parentSpanId === "" ? {} : { parentSpanId: hex(s.parentSpanId, 16) }),
        name: s.name,
        attributes: attrs(s.attributes),
        resource,
        startMs: ms(s.startTimeUnixNano),
        endMs: ms(s.endTimeUnixNano),
        status: s.status?.code ?? 0,
        ...(s.status?.message === undefined || s.status.message === "" ? {} : { statusMessage: s.status.message }),
      })),
    );
  });
}
