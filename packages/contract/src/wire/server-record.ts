import { z } from "zod";
import { SandboxStatusSchema } from "./sandbox.js";

// Every top-level server of ours says where its control endpoint listens, so that the dashboard
// finds all of them (one per host session) without asking anything else.

/** The shape of a control endpoint's address: loopback only, with its token. */
const CONTROL_URL = /^http:\/\/127\.0\.0\.1:\d{1,5}\/control\/[0-9a-f]{32}$/;

/** One running server, as its file `<stateDir>/servers/<pid>.json` describes it. */
export const ServerRecordSchema = z.object({
  pid: z.number().int().positive(),
  /** Its start time (state's ProcessRef): a later process given the same pid is not taken for it. Absent from older records. */
  start: z.string().optional(),
  /** The project it serves. */
  cwd: z.string(),
  /** The host session's id, when the host told it. */
  session: z.string().optional(),
  started_at: z.string(),
  version: z.string(),
  /** Its control endpoint on loopback: `<control>/mcp` (MCP over streamable HTTP) and `<control>/events` (Server-Sent Events). */
  control: z.string().regex(CONTROL_URL, "a control endpoint on 127.0.0.1"),
  /** Which OS sandbox its agents' CLIs run in (or none, and why), once it has looked. */
  sandbox: SandboxStatusSchema.optional(),
});
export type ServerRecord = z.infer<typeof ServerRecordSchema>;
