import { z } from "zod";

/**
 * Which pool an agent serves, and as which replica: the agent's label is its one spelling
 * (`pool:NAME#i`), which the journal and the traces read back to know the pool's tasks.
 */
const PoolIdentitySchema = z.object({
  pool: z.string().min(1),
  /** Its place among the pool's replicas, the spare made ahead of a reset, or the stronger agent of an escalated task; absent: the pool itself. */
  replica: z.union([z.number().int().min(0), z.enum(["spare", "escalated"])]).optional(),
});
export type PoolIdentity = z.infer<typeof PoolIdentitySchema>;

const PREFIX = "pool:";

/** The label of a pool's agent. */
export function poolLabel(identity: PoolIdentity): string {
  return identity.replica === undefined ? `${PREFIX}${identity.pool}` : `${PREFIX}${identity.pool}#${String(identity.replica)}`;
}

/** The pool an agent's label names, if any (a replica part it does not know is left out). */
export function poolOf(label: string | undefined): PoolIdentity | undefined {
  if (label?.startsWith(PREFIX) !== true) return undefined;
  const rest = label.slice(PREFIX.length);
  const hash = rest.indexOf("#");
  const pool = hash === -1 ? rest : rest.slice(0, hash);
  const tail = hash === -1 ? undefined : rest.slice(hash + 1);
  const replica = /^\d+$/.test(tail ?? "") ? Number(tail) : tail;
  const parsed = PoolIdentitySchema.safeParse({ pool, replica });
  if (parsed.success) return parsed.data;
  return pool === "" ? undefined : { pool };
}
