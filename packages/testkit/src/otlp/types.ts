/** One span as the receiver got it, whichever encoding carried it. */
export interface ReceivedSpan {
  /** 32 lowercase hex. */
  traceId: string;
  /** 16 lowercase hex. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  /** Its resource's attributes (service.name, ...). */
  resource: Record<string, unknown>;
  startMs: number;
  endMs: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: number;
  /** Its status's message (set with an error), when there is one. */
  statusMessage?: string;
}
