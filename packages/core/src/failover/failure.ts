import type { AgentEvent } from "../driver/events.js";

/** Whether trying again (later, or with another candidate) may succeed. */
type FailureClass = "transient" | "permanent";

const anyOf = (signs: string[]): RegExp => new RegExp(signs.join("|"), "i");

// Retrying cannot help: the request, the credentials or the model are wrong.
const PERMANENT = anyOf([
  String.raw`\b(?:400|401|403|404)\b`,
  "authenticat",
  "unauthori[sz]ed",
  "forbidden",
  "invalid[ _]api[ _]key",
  "permission denied",
  "not[ _]found",
  "unknown model",
  "invalid model",
  String.raw`model[^.]*not (?:supported|available)`,
  "does not exist",
  "invalid[ _]request",
  "bad argument",
  "unknown (?:option|argument)",
]);

// Retrying later or elsewhere may help: limits, overload, server errors, timeouts, dropped
// connections, and a CLI killed by a signal (e.g. by the OOM killer).
const TRANSIENT = anyOf([
  String.raw`\b(?:429|5\d\d)\b`,
  "overloaded",
  "rate[ _-]?limit",
  "too many requests",
  "resource[ _]exhausted",
  "unavailable",
  "timed? ?out",
  "timeout",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "socket hang up",
  "connection (?:reset|closed|refused|error)",
  "stream disconnected",
  "network",
  "usage limit",
  "quota",
  "try again",
  String.raw`exited \(signal`,
]);

/**
 * Classifies a failure by its HTTP status when known, else by its message. Permanent signs win
 * over transient ones, and a message with neither is permanent: failing over needs a reason.
 */
export function classifyFailure(message: string, status?: number): FailureClass {
  if (status !== undefined) {
    if (status === 429 || status >= 500) return "transient";
    if (status >= 400) return "permanent";
  }
  if (PERMANENT.test(message)) return "permanent";
  return TRANSIENT.test(message) ? "transient" : "permanent";
}

/** The `error` event for a failure, its `transient` flag set by {@link classifyFailure}. */
export function errorEvent(message: string): Extract<AgentEvent, { type: "error" }> {
  return { type: "error", message, transient: classifyFailure(message) === "transient" };
}
