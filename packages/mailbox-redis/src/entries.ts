import { MessageSchema, type Message } from "@subagent-mcp/mailbox";

/** One stream entry: its Redis id and the message text kept in its `m` field. */
export interface Entry {
  sid: string;
  raw: string;
}

/** A waiting or claimed entry read back as a message, or why it is not one. */
export type Parsed = { sid: string; message: Message } | { sid: string; raw: string; problem: string };

const RANK = { high: 0, normal: 1, low: 2 } as const;

/** Delivery order, as in every backend: high before normal before low, then oldest first. */
export const byDelivery = (a: { message: Message }, b: { message: Message }): number =>
  RANK[a.message.priority] - RANK[b.message.priority] || a.message.sentAt - b.message.sentAt;

/** XRANGE's reply as entries (fields other than `m` are notes). */
export function entries(reply: unknown): Entry[] {
  if (!Array.isArray(reply)) return [];
  return (reply as [string, string[]][]).map(([sid, fields]) => {
    const at = fields.indexOf("m");
    return { sid, raw: at >= 0 && at % 2 === 0 ? (fields[at + 1] ?? "") : "" };
  });
}

/** An entry's text checked against the message schema. */
export function parse(entry: Entry): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(entry.raw);
  } catch {
    return { ...entry, problem: "not JSON" };
  }
  const checked = MessageSchema.safeParse(json);
  return checked.success ? { sid: entry.sid, message: checked.data } : { ...entry, problem: `not a message: ${checked.error.message}` };
}

/** Extended XPENDING's reply: entry ids with their consumer. */
export function claims(reply: unknown): { sid: string; consumer: string }[] {
  if (!Array.isArray(reply)) return [];
  return (reply as [string, string][]).map(([sid, consumer]) => ({ sid, consumer }));
}

/** Summary XPENDING's reply: entries pending per consumer. */
export function perConsumer(reply: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  const list = Array.isArray(reply) ? (reply[3] as [string, string][] | null) : null;
  for (const [consumer, count] of list ?? []) counts.set(consumer, Number(count));
  return counts;
}
