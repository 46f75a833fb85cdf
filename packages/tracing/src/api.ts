// What the rest of the code sees of tracing: a span handle and a tracer, with nothing of
// OpenTelemetry in it. Parents are passed explicitly, never through async context: on Node 20 an
// active AsyncLocalStorage slows every promise of the process (measured: +120 µs of CPU per tool call). While tracing is off the tracer is OFF: every call returns at once and no
// OpenTelemetry module is ever loaded (start.ts imports the SDK only when OTEL_* asks for it).

/** A span attribute's value; an undefined one is left out. */
export type AttributeValue = string | number | boolean | readonly string[];
export type Attributes = Record<string, AttributeValue | undefined>;

/** One span, started and not yet ended. */
export interface SpanHandle {
  /** The W3C `traceparent` of this span, to continue its trace in a child process or request. */
  readonly traceparent: string;
  set(attributes: Attributes): void;
  /** A point in time within the span (epoch ms; default now). */
  event(name: string, attributes?: Attributes, at?: number): void;
  /** Marks the span failed, with what went wrong. */
  fail(message: string): void;
  /** Ends the span (epoch ms; default now). Later calls do nothing. */
  end(at?: number): void;
}

export interface SpanOptions {
  attributes?: Attributes;
  /** The parent: a span of ours, or a W3C traceparent (default: this process's parent, the trace it was started in, if any). */
  parent?: SpanHandle | string;
  /** Its start (epoch ms; default now). */
  at?: number;
  /** "server" for a call we answer, "client" for one we make; default internal. */
  kind?: "internal" | "server" | "client";
}

export interface Tracer {
  /** False while tracing is off: callers skip building attributes. */
  readonly on: boolean;
  start(name: string, options?: SpanOptions): SpanHandle;
  /** Sends the spans ended so far (for at most a moment), and goes on tracing: before work that may be cut short (a signal's clean-up). */
  flush(): Promise<void>;
  /** Sends what is buffered (for at most a moment: a silent collector cannot hold the exit), and stops; for the end of the process. */
  shutdown(): Promise<void>;
}

const NO_SPAN: SpanHandle = {
  traceparent: "",
  set: () => undefined,
  event: () => undefined,
  fail: () => undefined,
  end: () => undefined,
};

/** Tracing off: nothing is recorded, nothing is loaded, nothing is sent. */
export const OFF: Tracer = {
  on: false,
  start: () => NO_SPAN,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

let active: Tracer = OFF;

/** This process's tracer (OFF until startTracing turned it on). */
export function tracer(): Tracer {
  return active;
}

/** Makes `t` this process's tracer (startTracing does; tests may). */
export function useTracer(t: Tracer): void {
  active = t;
}
