import { isAbsolute, relative, resolve } from "node:path";
import { FleetError } from "./errors.js";
import type { RemoteSpec } from "./protocol.js";

/** What a node lets a launch do, from its own config, whatever the launch asks. */
export interface NodeCeiling {
  /** A launch's `cwd` must be one of these folders or inside one. */
  roots: string[];
  /** The most permissive mode it grants; a launch asking for more runs in this one. */
  permissionMode?: string;
  /** Tools no agent on this node may use, added to each launch's. */
  disallowedTools?: string[];
}

// Orders of permission modes, least to most permissive, for the ceiling.
const MODE_ORDER = ["plan", "default", "acceptEdits", "bypassPermissions"];

/** The launch's spec within the node's ceiling; throws REFUSED for a cwd outside its roots. */
export function withinCeiling(spec: RemoteSpec, ceiling: NodeCeiling, node: string): RemoteSpec {
  const cwd = resolve(spec.cwd);
  const inside = ceiling.roots.some((root) => {
    const rel = relative(resolve(root), cwd);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  });
  if (!isAbsolute(spec.cwd) || !inside)
    throw new FleetError("REFUSED", `machine "${node}" refuses cwd ${spec.cwd}: launches there may work only in ${ceiling.roots.join(", ") || "no folder"}`);
  const max = ceiling.permissionMode;
  const asked = spec.permissionMode;
  // A mode it does not know is treated as the most permissive.
  const rank = (m: string): number => (MODE_ORDER.includes(m) ? MODE_ORDER.indexOf(m) : MODE_ORDER.length);
  const mode = max !== undefined && (asked === undefined || rank(asked) > rank(max)) ? max : asked;
  const disallowed = [...(spec.disallowedTools ?? []), ...(ceiling.disallowedTools ?? [])];
  return {
    ...spec,
    cwd,
    ...(mode === undefined ? {} : { permissionMode: mode }),
    ...(disallowed.length === 0 ? {} : { disallowedTools: disallowed }),
  };
}
