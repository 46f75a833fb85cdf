import { realpathSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { LEVEL, levelRank, PERMISSION_LEVELS, permissionLevelOf, type PermissionLevel, definedFields } from "@subagent-mcp/contract";
import { levelOf, PermissionRuleSchema } from "@subagent-mcp/permissions";
import { withoutTraceEnv } from "@subagent-mcp/tracing";
import { FleetError } from "../errors.js";
import { levelFor, nestedWithinNode } from "./node-env.js";
import type { RemoteSpec } from "../protocol/protocol.js";

/** What a node lets a launch do, from its own config, whatever the launch asks. */
export interface NodeCeiling {
  /** A launch's `cwd` must be one of these folders or inside one (their real paths, links resolved). */
  roots: string[];
  /** The most permissive mode it grants; a launch asking for more runs in this one. */
  permissionMode?: string;
  /** Tools no agent on this node may use (rules in Claude Code's syntax), added to each launch's. */
  disallowedTools?: string[];
  /** The node's own `max_depth`: the deepest a chain of servers under its agents may go. */
  maxDepth?: number;
}

// A mode it does not know is taken as the most permissive.
const rank = (mode: string): number => {
  const level = permissionLevelOf(mode);
  return level === undefined ? PERMISSION_LEVELS.length : levelRank(level);
};

/** The ceiling's permission level; undefined when it sets none. */
export function ceilingLevel(ceiling: NodeCeiling): PermissionLevel | undefined {
  return ceiling.permissionMode === undefined ? undefined : levelOf(ceiling.permissionMode, "fleet.permission_mode");
}

// The folder a launch works in, by its real path: a link inside a root that leads out of the roots is outside.
function realCwd(cwd: string, roots: string[], node: string): string {
  const refuse = (why: string): FleetError => new FleetError("REFUSED", `machine "${node}" refuses cwd ${cwd}: ${why}`);
  if (!isAbsolute(cwd)) throw refuse("it must be an absolute path on that machine");
  let real: string;
  try {
    real = realpathSync(cwd);
  } catch {
    throw refuse("there is no such folder there");
  }
  const realRoots = roots.flatMap((root) => {
    try {
      return [realpathSync(root)];
    } catch {
      return [];
    }
  });
  const inside = realRoots.some((root) => {
    const rel = relative(root, real);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  });
  if (!inside) throw refuse(`launches there may work only in ${roots.join(", ") || "no folder"}${real === cwd ? "" : ` (it leads to ${real})`}`);
  return real;
}

// Each of the node's disallowed tools must be a rule its judgement can apply: one that is not refuses every launch, naming it.
function disallowedRules(ceiling: NodeCeiling, node: string): string[] {
  const rules = ceiling.disallowedTools ?? [];
  for (const rule of rules) {
    const parsed = PermissionRuleSchema.safeParse(rule);
    if (!parsed.success)
      throw new FleetError(
        "REFUSED",
        `machine "${node}": fleet.disallowed_tools holds "${rule}", which is not a rule: ${parsed.error.issues[0]?.message ?? ""}`,
      );
  }
  return rules;
}

/**
 * The launch's spec within the node's ceiling: its cwd by its real path inside the roots (throws
 * REFUSED otherwise, or for a cwd that is not there), its mode at most the ceiling's, the node's
 * disallowed tools added to its own and to its deny rules, and with those, a CLI that asks, so
 * that each request reaches the node's judgement (node-permissions.ts). On a CLI other than Claude
 * Code (which enforces them itself, as `--disallowedTools`) a launch with disallowed tools runs
 * at most at `default`: above it, edits or commands run without asking. Trace settings are taken
 * out of its environment (an older orchestrator's may hold the collector's credentials): the
 * node traces by its own OTEL_* environment. The permission ceiling, tools ceiling and max depth
 * its env passes to a nested server are held to this node's (node-env.ts).
 */
export function withinNodeCeiling(spec: RemoteSpec, ceiling: NodeCeiling, node: string, provider = "claude"): RemoteSpec {
  const cwd = realCwd(spec.cwd, ceiling.roots, node);
  const deny = disallowedRules(ceiling, node);
  const max =
    deny.length > 0 && provider !== "claude" && rank(ceiling.permissionMode ?? LEVEL.bypassPermissions) > rank(LEVEL.default)
      ? LEVEL.default
      : ceiling.permissionMode;
  const asked = spec.permissionMode;
  const mode = max !== undefined && (asked === undefined || rank(asked) > rank(max)) ? max : asked;
  const disallowed = [...new Set([...(spec.disallowedTools ?? []), ...deny])];
  return {
    ...spec,
    cwd,
    ...definedFields({ permissionMode: mode }),
    ...(disallowed.length === 0 ? {} : { disallowedTools: disallowed }),
    ...(deny.length === 0 ? {} : { rules: { ...spec.rules, deny: [...new Set([...(spec.rules?.deny ?? []), ...deny])] }, askPermissions: true }),
    // What a nested server under this agent may grant, within this node's ceiling (node-env.ts).
    env: nestedWithinNode(spec.env === undefined ? undefined : withoutTraceEnv(spec.env), {
      level: levelFor(mode),
      tools: spec.allowedTools ?? [],
      maxDepth: ceiling.maxDepth,
    }),
  };
}
