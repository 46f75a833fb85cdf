// Which failures may succeed if tried again (later or elsewhere): rate limits, overload, server
// errors, timeouts and dropped connections. Authentication, unknown models and bad arguments won't.
const TRANSIENT =
  /\b(429|5\d\d)\b|overloaded|rate[ _-]?limit|too many requests|resource[ _]exhausted|unavailable|timed? ?out|timeout|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|connection (?:reset|closed|refused|error)|network|stream disconnected|usage limit|quota|try again/i;
const PERMANENT = /\b(400|401|403|404)\b|authenticat|unauthori[sz]ed|forbidden|invalid[ _]api[ _]key|permission denied|not[ _]found|unknown model|invalid model|does not exist|invalid[ _]request/i;

/** Classifies an error message as transient (worth retrying) or not. Permanent signs win. */
export function isTransientMessage(message: string): boolean {
  if (PERMANENT.test(message)) return false;
  return TRANSIENT.test(message);
}
