import { z } from "zod";
import { permissionRequest } from "../permissions/permissions.js";
import type { PermissionDecision, PermissionRequest } from "@subagent-mcp/contract";

// The approval requests of `codex app-server` (v2) that we turn into permission requests (see
// `codex app-server generate-json-schema`); the legacy v1 ones are not sent to v2 threads.
export const COMMAND_APPROVAL = "item/commandExecution/requestApproval";
export const FILE_APPROVAL = "item/fileChange/requestApproval";
export const PERMISSIONS_APPROVAL = "item/permissions/requestApproval";

const CommandApproval = z.looseObject({
  itemId: z.string(),
  turnId: z.string(),
  command: z.string().nullish(),
  cwd: z.string().nullish(),
  reason: z.string().nullish(),
});
const FileApproval = z.looseObject({ itemId: z.string(), turnId: z.string(), reason: z.string().nullish(), grantRoot: z.string().nullish() });
const PermissionsApproval = z.looseObject({
  itemId: z.string(),
  turnId: z.string(),
  reason: z.string().nullish(),
  permissions: z.looseObject({ fileSystem: z.unknown().optional(), network: z.unknown().optional() }),
});

/** A file change as Codex's fileChange item lists it (the approval request names only the item). */
export const FileChangeWire = z.looseObject({ path: z.string(), kind: z.looseObject({ type: z.string() }).optional() });

/** An approval request, normalized, with the answer that carries each decision back. */
export interface CodexApproval {
  request: PermissionRequest;
  turnId: string;
  /** The files a file-change request would write (none for the other kinds). */
  paths: string[];
  answer(decision: PermissionDecision): unknown;
}

/** The normalized form of one Codex approval request; undefined for the ones we do not ask about. */
export function codexApproval(
  method: string,
  params: unknown,
  requestId: string,
  changesOf: (itemId: string) => z.infer<typeof FileChangeWire>[],
): CodexApproval | undefined {
  const decision = (d: PermissionDecision): string => (d.behavior === "allow" ? "accept" : d.behavior === "allow_always" ? "acceptForSession" : "decline");
  if (method === COMMAND_APPROVAL) {
    const p = CommandApproval.parse(params);
    const input = { command: p.command ?? "", cwd: p.cwd ?? undefined, reason: p.reason ?? undefined };
    return {
      request: permissionRequest(requestId, "Bash", "shell", input, { command: p.command ?? "" }),
      turnId: p.turnId,
      paths: [],
      answer: (d) => ({ decision: decision(d) }),
    };
  }
  if (method === FILE_APPROVAL) {
    const p = FileApproval.parse(params);
    const changes = changesOf(p.itemId);
    // A change that only adds files is a Write in Claude Code's naming; anything else edits.
    const tool = changes.length > 0 && changes.every((c) => c.kind?.type === "add") ? "Write" : "Edit";
    const input = { changes, reason: p.reason ?? undefined, grantRoot: p.grantRoot ?? undefined };
    return {
      request: permissionRequest(requestId, tool, "edit", input, { path: changes[0]?.path ?? p.grantRoot ?? undefined }),
      turnId: p.turnId,
      paths: changes.map((c) => c.path),
      answer: (d) => ({ decision: decision(d) }),
    };
  }
  if (method === PERMISSIONS_APPROVAL) {
    const p = PermissionsApproval.parse(params);
    // More sandbox access than the thread has: granted for the turn, or for the session on allow_always.
    return {
      request: permissionRequest(requestId, "RequestPermissions", p.permissions.network === undefined ? "other" : "fetch", {
        permissions: p.permissions,
        reason: p.reason ?? undefined,
      }),
      turnId: p.turnId,
      paths: [],
      answer: (d) => (d.behavior === "deny" ? { permissions: {} } : { permissions: p.permissions, scope: d.behavior === "allow_always" ? "session" : "turn" }),
    };
  }
  return undefined;
}
