// The permission-mode vocabulary, written once: our levels in order, every name a launch, a
// definition or a config may give a mode, and each CLI's own name for a level. Everyone else
// imports these (the policy that holds a launch to a ceiling is the permissions package's).
import { z } from "zod";

/**
 * Permission levels, least first: what a sub-agent may do without anyone approving it.
 *
 * `auto` is Claude Code's auto mode: the CLI's own classifier lets through each tool use it deems
 * safe, commands included, without asking, and stops what it deems risky. It is more than
 * acceptEdits and less than bypassPermissions. A CLI with no such mode (Codex, Gemini CLI, an ACP
 * agent) runs `auto` as acceptEdits: the nearest level below, never above.
 */
export const PermissionLevelSchema = z.enum(["plan", "default", "acceptEdits", "auto", "bypassPermissions"]);
export type PermissionLevel = z.infer<typeof PermissionLevelSchema>;
export const PERMISSION_LEVELS = PermissionLevelSchema.options;
/** The levels by name, to compare with without spelling them (`LEVEL.bypassPermissions`). */
export const LEVEL = PermissionLevelSchema.enum;

// Every name for a level: ours (Claude Code's), Codex's sandboxes and Gemini CLI's approval modes.
// `manual` and `dontAsk` run at default: dontAsk asks nobody and refuses what no rule allows.
const LEVEL_OF = {
  plan: "plan",
  "read-only": "plan",
  default: "default",
  manual: "default",
  dontAsk: "default",
  acceptEdits: "acceptEdits",
  auto_edit: "acceptEdits",
  "workspace-write": "acceptEdits",
  auto: "auto",
  bypassPermissions: "bypassPermissions",
  yolo: "bypassPermissions",
  "danger-full-access": "bypassPermissions",
} as const satisfies Record<string, PermissionLevel>;

/** A permission mode as callers may name it; each stands for one {@link PermissionLevel}. */
export const PermissionModeSchema = z.enum(Object.keys(LEVEL_OF) as [keyof typeof LEVEL_OF, ...(keyof typeof LEVEL_OF)[]]);
/** The mode names, to compare with without spelling them (`MODE.dontAsk`). */
export const MODE = PermissionModeSchema.enum;

/** The level a mode name stands for; undefined for a name that is none of ours. */
export function permissionLevelOf(mode: string | undefined): PermissionLevel | undefined {
  const parsed = PermissionModeSchema.safeParse(mode);
  return parsed.success ? LEVEL_OF[parsed.data] : undefined;
}

/** A level's place in {@link PERMISSION_LEVELS}: a higher rank allows more. */
export function levelRank(level: PermissionLevel): number {
  return PERMISSION_LEVELS.indexOf(level);
}

/** Codex's sandbox modes. */
type CodexSandbox = "read-only" | "workspace-write" | "danger-full-access";
// `default` sets none: the thread keeps the sandbox of the user's own Codex configuration, as a
// launch without a permission mode does (Codex has no sandbox named "default").
const SANDBOX_OF: Record<PermissionLevel, CodexSandbox | undefined> = {
  plan: "read-only",
  default: undefined,
  acceptEdits: "workspace-write",
  auto: "workspace-write",
  bypassPermissions: "danger-full-access",
};

/** The Codex sandbox for a mode; undefined for default; a name that is none of ours passes as it is. */
export function codexSandboxOf(mode: string): string | undefined {
  const level = permissionLevelOf(mode);
  return level === undefined ? mode : SANDBOX_OF[level];
}

// Gemini CLI's approval modes.
const APPROVAL_OF: Record<PermissionLevel, string> = {
  plan: "plan",
  default: "default",
  acceptEdits: "auto_edit",
  auto: "auto_edit",
  bypassPermissions: "yolo",
};

/** Gemini CLI's `--approval-mode` for a mode; a name that is none of ours passes as it is. */
export function geminiApprovalOf(mode: string): string {
  const level = permissionLevelOf(mode);
  return level === undefined ? mode : APPROVAL_OF[level];
}

/** The modes a config may map onto an ACP agent's own session mode ids (`providers.<name>.modes`). */
export const AcpModeKeySchema = PermissionLevelSchema.exclude(["auto"]);
export type AcpModeKey = z.infer<typeof AcpModeKeySchema>;

// The ids agents give each mode (ACP leaves them to each agent), the usual one first.
const ACP_MODE_IDS: Record<AcpModeKey, readonly string[]> = {
  default: ["default", "ask", "build"],
  acceptEdits: ["acceptEdits", "accept-edits", "auto-edit", "auto_edit", "autoEdit"],
  bypassPermissions: ["bypassPermissions", "yolo", "full-access", "bypass"],
  plan: ["plan", "read-only", "readonly"],
};

/** The ACP mode key a mode name stands for (auto: acceptEdits); undefined for a name that is none of ours. */
export function acpModeKeyOf(mode: string): AcpModeKey | undefined {
  const level = permissionLevelOf(mode);
  return level === "auto" ? "acceptEdits" : level;
}

/** The session mode ids agents usually give a mode, the most usual first. */
export function acpModeIds(key: AcpModeKey): readonly string[] {
  return ACP_MODE_IDS[key];
}
