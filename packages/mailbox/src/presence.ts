import { z } from "zod";

// Name and host are parts of keys and file names (`<name>:<host>:<pid>`): no colon, so two entries never share one.
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
  /** The process's start time on its host (state's ProcessRef): a later process given the same pid is not this worker. */
  start: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  started_at: Iso,
  last_turn_at: Iso.optional(),
  heartbeat_at: Iso,
});

/** A presence entry as listed by {@link PresenceRegistry.list}. */
export type PresenceEntry = z.infer<typeof PresenceSchema>;

/** What {@link PresenceRegistry.register} takes: host defaults to this machine's hostname, pid to this process, started_at to now. */
export type PresenceInput = Pick<PresenceEntry, "name"> & Partial<Omit<PresenceEntry, "name" | "heartbeat_at">>;

/** Options of {@link PresenceRegistry.register}. */
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

/**
 * Which workers are alive, on this machine (files, checked by pid) or on every machine sharing a
 * networked store (entries with a heartbeat that expires).
 */
export interface PresenceRegistry {
  /** Records a live worker until `stop()` (or until its process ends). */
  register(input: PresenceInput, options?: RegisterOptions): Promise<Registration>;
  /** Live entries, oldest start first. */
  list(): Promise<PresenceEntry[]>;
  /** Whether any live entry has this name. */
  alive(name: string): Promise<boolean>;
  close(): Promise<void>;
}
