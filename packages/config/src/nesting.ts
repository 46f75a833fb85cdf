import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ConfigError } from "./errors.js";
import type { Budget } from "@subagent-mcp/core";
import { budgetLeftEnv } from "./budget-env.js";
import { AGENT_LINEAGE_ENV, CEILING_ENV, DEPTH_ENV, LEVEL, MAX_DEPTH_ENV, NAME_ENV, PERMISSION_LEVELS, TOOLS_CEILING_ENV } from "@subagent-mcp/contract";
import type { Ceiling, Grant } from "@subagent-mcp/permissions";
import { depthFrom } from "@subagent-mcp/contract/nesting-env";

// The variables themselves (DEPTH_ENV, CEILING_ENV, ... and the list LINEAGE_ENV) are contract's.

type Env = Record<string, string | undefined>;

// Read before anything loads (the door of `subagent-mcp mcp`): contract's light entry has it.
export { depthFrom };

const Tools = z.array(z.string().min(1));

/**
 * The ceiling this server runs under. A top-level server (depth 0, no ceiling set) has none; a
 * nested one that was given none gets `default` with no tools (fail closed). A malformed value
 * stops the server rather than being read as "no limit".
 */
export function ceilingFrom(env: Env): Ceiling | undefined {
  const level = env[CEILING_ENV];
  const tools = env[TOOLS_CEILING_ENV];
  if ((level === undefined || level === "") && depthFrom(env) === 0) return undefined;
  if (level !== undefined && level !== "" && !(PERMISSION_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError("CONFIG_INVALID", `${CEILING_ENV} must be one of ${PERMISSION_LEVELS.join(", ")}, got "${level}"`);
  }
  return { level: level === undefined || level === "" ? "default" : (level as Ceiling["level"]), tools: toolsFrom(tools) };
}

function toolsFrom(raw: string | undefined): readonly string[] | undefined {
  if (raw === "*") return undefined;
  if (raw === undefined || raw === "") return [];
  let parsed;
  try {
    parsed = Tools.safeParse(JSON.parse(raw));
  } catch {
    parsed = undefined;
  }
  if (parsed?.success !== true)
    throw new ConfigError("CONFIG_INVALID", `${TOOLS_CEILING_ENV} must be a JSON array of tool names or "*", got ${JSON.stringify(raw)}`);
  return parsed.data;
}

const AGENT_ID = /^[a-z0-9-]{1,64}$/;

/**
 * The agents this server runs under, top first (see {@link AGENT_LINEAGE_ENV}); undefined for a
 * top-level server, which sees every agent of its project. A nested server given none (or a
 * malformed one) gets a lineage of its own that no other server shares: it sees its own agents only.
 */
export function lineageFrom(env: Env): readonly string[] | undefined {
  const raw = env[AGENT_LINEAGE_ENV];
  if ((raw === undefined || raw === "") && depthFrom(env) === 0) return undefined;
  const ids = (raw ?? "").split(",");
  if (raw !== undefined && raw !== "" && ids.every((id) => AGENT_ID.test(id))) return ids;
  return [`~${process.pid}-${randomUUID()}`];
}

/**
 * The environment of a sub-agent this server launches: one level deeper, with what it was granted,
 * what it may spend (`budgetLeft`: its own budget within what this server has left; none: no
 * limit), and its place in the lineage (`agentId`; a sub-agent without one, e.g. a pool replica, gets a
 * place no journal entry has, so a server under it sees only its own agents).
 */
export function childEnv(
  parent: { depth: number; maxDepth: number; lineage?: readonly string[] | undefined },
  granted: Grant,
  name: string | undefined,
  agentId?: string,
  budgetLeft?: Budget,
): Record<string, string> {
  return {
    ...budgetLeftEnv(budgetLeft),
    // "~" is no agent id: the server below takes a lineage of its own (and the same spec stays the same).
    [AGENT_LINEAGE_ENV]: [...(parent.lineage ?? []), agentId ?? "~"].join(","),
    [DEPTH_ENV]: String(parent.depth + 1),
    [MAX_DEPTH_ENV]: String(parent.maxDepth),
    [NAME_ENV]: name ?? "",
    [CEILING_ENV]: granted.level,
    [TOOLS_CEILING_ENV]: granted.level === LEVEL.bypassPermissions ? "*" : JSON.stringify(granted.tools ?? []),
  };
}
