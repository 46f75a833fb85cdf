const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * `new Date(ms).toISOString()` for the years 0 to 9999, made from the UTC fields alone: the first
 * Date#toISOString of a process reads ~1 MB of the ICU data in the node binary into memory, which
 * a server that only stamps its start would hold for nothing (apps/bench, "idle server RSS").
 */
export function isoTime(ms: number = Date.now()): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}
