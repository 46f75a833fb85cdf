import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { jsonChars, sliceToFit, waterLevel } from "@subagent-mcp/mcp-transport";

/**
 * Room left for a result's large fields: the cap minus what the result takes with them empty (its
 * skeleton), less a margin for the fields that say where a cut was.
 */
export function roomLeft(maxResultChars: number, skeleton: CallToolResult): number {
  return Math.max(0, maxResultChars - jsonChars(skeleton) - 256);
}

/** A turn result as the tools return it; `result_chars` is set when `result` is only its beginning. */
interface Turn {
  agent_id: string;
  result: string;
  result_chars?: number;
}

/**
 * Cuts the turns' results so that together they fit `room` characters of JSON, each appearing
 * `copies` times in the result (structured content and text). Small results stay whole; the large
 * ones share what is left equally.
 */
export function fitTurns<T extends Turn>(turns: T[], room: number, copies = 1): T[] {
  const sizes = turns.map((t) => jsonChars(t.result) * copies);
  const level = waterLevel(sizes, room);
  return turns.map((t, i) =>
    (sizes[i] ?? 0) <= level ? t : { ...t, result: sliceToFit(t.result, 0, Math.floor(level / copies)), result_chars: t.result.length },
  );
}

/** Where a cut result goes on: poll_agent pages through an agent's last result. */
export function readOn(turn: Turn): string {
  return `result cut at ${turn.result.length} of ${turn.result_chars ?? turn.result.length} characters; read on with poll_agent {"agent_id": "${turn.agent_id}", "offset": ${turn.result.length}}`;
}
