// Preloaded (`node --import`) into a server with tracing off by the tracing bench: an
// AsyncLocalStorage in use, as the OpenTelemetry tracer's `within` leaves one, and nothing else of
// tracing. On Node 20 that alone turns on async hooks for every promise of the process; the bench
// measures what that costs a tool call, apart from the spans themselves.
import { AsyncLocalStorage } from "node:async_hooks";

const storage = new AsyncLocalStorage<{ span: string }>();
storage.enterWith({ span: "bench" });
