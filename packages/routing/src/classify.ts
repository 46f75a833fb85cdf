/** Whether trying again (later, or with another candidate) may succeed. */
export type FailureClass = "transient" | "permanent";

const PERMANENT = /\b(400|401|403|404)\b|authenticat|unauthori[sz]ed|forbidden|invalid[ _]api[ _]key|permission denied|unknown model|invalid model|model[^.]*not (?:found|supported|available)|does not exist|invalid[ _]request|bad argument|unknown (?:option|argument)/i;
const TRANSIENT = /\b(429|5\d\d)\b|overloaded|rate[ _-]?limit|too many requests|resource[ _]exhausted|unavailable|timed? ?out|timeout|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|connection (?:reset|closed|refused|error)|stream disconnected|network|usage limit|quota|try again|exited \(signal/i;

/** Classifies a failure by HTTP status when known, else by its message; permanent signs win. */
export function classifyFailure(message: string, status?: number): FailureClass {
  if (status !== undefined) {
    if (status === 429 || status >= 500) return "transient";
    if (status >= 400) return "permanent";
  }
  if (PERMANENT.test(message)) return "permanent";
  return TRANSIENT.test(message) ? "transient" : "permanent";
}
