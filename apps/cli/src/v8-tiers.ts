import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * How V8 runs us, set from inside so that it holds however a host starts us (`node main.js mcp`
 * passes no flags of ours). Measured by apps/bench ("idle server RSS"):
 *
 * - A young generation that stays at its first size: a long-lived server is mostly idle and
 *   allocates little per call, so letting it grow buys nothing measurable and keeps ~8 MB resident.
 * - No optimizing compiler while we start: start-up code runs once, so optimizing it is wasted
 *   work, and the optimizer's own code (~4 MB of the node binary) would stay resident all the time
 *   the server then sits idle. `optimizeFromNowOn()` turns it back on once the process is up, so
 *   code that turns hot under real work is optimized as usual.
 * - No baseline compiler (Sparkplug) while we start either: the machine code it makes of start-up
 *   code (zod building its schemas, the tools registering) stays in the code space for the life of
 *   the process, ~1.4 MB of an idle server, and start-up costs the same CPU without it.
 */
export function startLean(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
  setFlagsFromString("--no-opt");
  setFlagsFromString("--no-sparkplug");
}

/**
 * The process is up: code that gets hot from here on is worth compiling and optimizing again. And
 * the young generation is emptied now, while nothing waits: what start-up left in it would otherwise be
 * collected in the middle of the host's first calls (a scavenge of ~1.5 ms there).
 */
export function optimizeFromNowOn(): void {
  setFlagsFromString("--opt");
  setFlagsFromString("--sparkplug");
  setFlagsFromString("--expose-gc");
  // A context made after the flag has `gc`; ours keeps none.
  const gc = runInNewContext("gc") as ((options: { type: "minor" }) => void) | undefined;
  setFlagsFromString("--no-expose-gc");
  gc?.({ type: "minor" });
}
