import { z } from "zod";

// What a server's `<control>/events` stream says: which agents changed, so a reader knows to read again.

/** The name of the event a server sends when agents changed. */
export const CHANGE_EVENT = "change";

/** The data of a `change` event: the agents that changed since the previous one. */
export const ChangeEventSchema = z.object({ agent_ids: z.array(z.string()) });
export type ChangeEvent = z.infer<typeof ChangeEventSchema>;
