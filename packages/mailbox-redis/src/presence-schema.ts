import { z } from "zod";

// Name and host are parts of the key `<prefix>:presence:<name>:<host>:<pid>`: no colon, so two entries never share a key.
const Part = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^:\s]+$/, "no colon or whitespace");
const Iso = z.iso.datetime({ offset: true });

/** One live worker as others see it: who, on which machine and process, since when, last turn and heartbeat. */
export const PresenceSchema = z.object({
  name: Part,
  host: Part,
  pid: z.number().int().nonnegative(),
  provider: z.string().optional(),
  model: z.string().optional(),
  started_at: Iso,
  last_turn_at: Iso.optional(),
  heartbeat_at: Iso,
});

/** A presence entry as listed by {@link Presence.list}. */
export type PresenceEntry = z.infer<typeof PresenceSchema>;

/** What {@link Presence.register} takes: host defaults to this machine's hostname, pid to this process, started_at to now. */
export type PresenceInput = Pick<PresenceEntry, "name"> & Partial<Omit<PresenceEntry, "name" | "heartbeat_at">>;

/** Options of {@link Presence.register}. */
export interface RegisterOptions {
  /** Lifetime of the key without a refresh (default 15 000 ms, at least 30); refreshed every ttlMs/3. */
  ttlMs?: number;
  /** Called when a refresh fails (server down); the next one retries. Without it failures are silent. */
  onError?: (error: unknown) => void;
}

/** A live registration: `turn` records a turn, `stop` ends the heartbeat and removes the entry at once. */
export interface Registration {
  /** The entry as last written. */
  readonly entry: PresenceEntry;
  /** Sets last_turn_at (default now) and writes the entry at once. No effect after stop. */
  turn(at?: Date): Promise<void>;
  /** Stops refreshing and deletes the key and its index member. */
  stop(): Promise<void>;
}

/** Writes the entry with its ttl and puts its key in the index, in one step. KEYS: entry, index. ARGV: json, ttl, score. */
export const WRITE = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
return 1`;

/** Live entries of the index in start order; members whose key expired are removed. KEYS: index. */
export const LIST = `
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local live = {}
for _, key in ipairs(members) do
  local value = redis.call('GET', key)
  if value then table.insert(live, value) else redis.call('ZREM', KEYS[1], key) end
end
return live`;

/** Deletes the entry and its index member. KEYS: entry, index. */
export const REMOVE = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return 1`;
