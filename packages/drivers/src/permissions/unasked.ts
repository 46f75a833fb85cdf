import type { SessionSpec } from "@subagent-mcp/core";
import { LEVEL, permissionLevelOf, type PermissionRequest } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";

// A permission mode that allows a tool use by itself (bypassPermissions everything, acceptEdits
// edits inside the cwd) would let it run unseen by the rules. With deny or ask rules, the CLI is
// made to ask anyway, and the driver answers here, at once and on its own machine: the rules'
// precheck refuses or asks, and whatever they leave open the mode allows.

/** Whether the session's rules must see every tool use: deny or ask rules and a precheck to hold them. */
export function guarded(spec: SessionSpec): boolean {
  return spec.precheck !== undefined && (spec.rules?.deny?.length ?? 0) + (spec.rules?.ask?.length ?? 0) > 0;
}

/** Whether a mode name is bypassPermissions (or one of its aliases). */
export function isBypass(mode: string | undefined): boolean {
  return permissionLevelOf(mode) === LEVEL.bypassPermissions;
}

/** Whether a mode name allows edits by itself (acceptEdits and its aliases; auto, which runs as acceptEdits where the CLI has no auto mode). */
export function acceptsEdits(mode: string | undefined): boolean {
  const level = permissionLevelOf(mode);
  return level === LEVEL.acceptEdits || level === LEVEL.auto;
}

/**
 * Whether the CLI must run in its most asking mode, the driver answering for the mode's own
 * allowances (Gemini CLI's approval modes, an ACP agent's session modes): bypassPermissions or
 * acceptEdits with rules to hold.
 */
export function forcedAsking(spec: SessionSpec): boolean {
  return (isBypass(spec.permissionMode) || acceptsEdits(spec.permissionMode)) && guarded(spec);
}

/** The answer to a tool use the mode allows by itself. */
export type Unasked = { behavior: "allow" } | { behavior: "deny"; message: string } | { behavior: "ask" };

/**
 * A tool use the permission mode allows, held to the rules first: a deny refuses it with the
 * reason, an ask rule asks (refuses it when nobody is asked), anything else is allowed.
 */
export function unasked(spec: SessionSpec, request: PermissionRequest): Unasked {
  let ruling;
  try {
    ruling = spec.precheck?.(request);
  } catch (error) {
    return { behavior: "deny", message: `Denied: the permission rules could not be checked: ${errorMessage(error)}.` };
  }
  if (ruling?.decision === "deny") return { behavior: "deny", message: `Denied: ${ruling.why}.` };
  if (ruling?.decision !== "ask" || ruling.rule === undefined) return { behavior: "allow" };
  return spec.askPermissions === true ? { behavior: "ask" } : { behavior: "deny", message: `Denied: ${ruling.why}, and nobody is asked in this session.` };
}
