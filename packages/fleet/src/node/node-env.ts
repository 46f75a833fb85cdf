import {
  CEILING_ENV,
  DEPTH_ENV,
  LEVEL,
  levelRank,
  MAX_DEPTH_ENV,
  permissionLevelOf,
  PermissionLevelSchema,
  TOOLS_CEILING_ENV,
  type PermissionLevel,
} from "@subagent-mcp/contract";
import { withinCeiling as toolsWithin } from "@subagent-mcp/permissions";

// A launch's env carries what its agent's nested subagent-mcp server may grant (the variables a
// server passes down: nesting.ts in the server). Coming from the orchestrator, they are a claim:
// a node holds them to its own ceiling, so that a server under one of its agents can never grant
// more than the node allows, whatever the launch's env says. The variables are contract's.

/** What the node lets a nested server under one of its agents grant. */
export interface NestedCap {
  /** The agent's own level on this node (its mode as capped): the most its server may grant. */
  level: PermissionLevel;
  /** The tools the launch itself was allowed (below bypassPermissions, the most its server may pass on). */
  tools: readonly string[];
  /** The node's own `max_depth`; undefined: none to hold. */
  maxDepth: number | undefined;
}

/** The level a capped mode stands for; a mode it does not know is held to the least. */
export function levelFor(mode: string | undefined): PermissionLevel {
  return permissionLevelOf(mode ?? LEVEL.default) ?? LEVEL.plan;
}

// The tools ceiling as a list; "*" (any) as undefined; anything else as none (a nested server fails closed the same way).
function toolsOf(raw: string | undefined): readonly string[] | undefined {
  if (raw === "*") return undefined;
  try {
    const parsed: unknown = JSON.parse(raw ?? "[]");
    return Array.isArray(parsed) && parsed.every((t) => typeof t === "string" && t !== "") ? (parsed as string[]) : [];
  } catch {
    return [];
  }
}

/**
 * The launch's env with its nesting variables within `cap`: the permission ceiling at most the
 * agent's own level (set when missing: a server given none at depth 0 would have no ceiling), the
 * tools ceiling at most the launch's own tools below bypassPermissions, the depth at least 1 and
 * the max depth at most the node's.
 */
export function nestedWithinNode(env: Readonly<Record<string, string>> | undefined, cap: NestedCap): Record<string, string> {
  const out = { ...env };
  const asked = PermissionLevelSchema.safeParse(out[CEILING_ENV]).data;
  const level = asked !== undefined && levelRank(asked) <= levelRank(cap.level) ? asked : cap.level;
  out[CEILING_ENV] = level;
  const tools = toolsOf(out[TOOLS_CEILING_ENV]);
  if (level !== LEVEL.bypassPermissions) {
    const within = toolsWithin({ allow: [...(tools ?? cap.tools)] }, { level, tools: cap.tools }).allow ?? [];
    out[TOOLS_CEILING_ENV] = JSON.stringify(within);
  } else out[TOOLS_CEILING_ENV] = tools === undefined ? "*" : JSON.stringify(tools);
  const depth = Number(out[DEPTH_ENV]);
  out[DEPTH_ENV] = String(Number.isInteger(depth) && depth > 1 ? depth : 1);
  if (cap.maxDepth !== undefined) {
    const max = Number(out[MAX_DEPTH_ENV]);
    out[MAX_DEPTH_ENV] = String(Number.isInteger(max) && max >= 0 && max < cap.maxDepth ? max : cap.maxDepth);
  }
  return out;
}
