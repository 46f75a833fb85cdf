import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";

import { MessageSchema, type Message } from "./types.js";
import { errorMessage } from "@subagent-mcp/errors";

/** A message file read: the message, why it is not one, or nothing (another reader moved it first). */
export type ReadResult = { message: Message } | { problem: string } | undefined;

/**
 * Reads one message file without trusting it: at most `maxBytes`, a regular file only (a FIFO would
 * block the reader: O_NONBLOCK), JSON of the message schema, and its id equal to its file name (ids
 * become paths).
 */
export function readMessage(path: string, file: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? undefined : { problem: `cannot open it (${code ?? String(error)})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: "not a regular file" };
    if (stat.size > maxBytes) return { problem: `too large: ${stat.size} bytes (limit ${maxBytes})` };
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(fd, "utf8"));
    } catch (error) {
      return { problem: `not JSON: ${errorMessage(error)}` };
    }
    const parsed = MessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { problem: `not a message: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
    }
    if (`${parsed.data.id}.json` !== file) return { problem: `its id ${parsed.data.id} does not match its file name` };
    return { message: parsed.data };
  } catch (error) {
    return { problem: `cannot read it (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})` };
  } finally {
    closeSync(fd);
  }
}
