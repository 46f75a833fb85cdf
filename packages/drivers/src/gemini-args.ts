import type { SessionSpec } from "@subagent-mcp/core";
import { forcedAsking } from "./unasked.js";

// Claude-style permission modes onto Gemini CLI approval modes.
const APPROVAL: Record<string, string> = {
  default: "default",
  acceptEdits: "auto_edit",
  auto_edit: "auto_edit",
  auto: "auto_edit",
  bypassPermissions: "yolo",
  yolo: "yolo",
  plan: "plan",
};

/** Gemini CLI flags for a session spec; `policyFile` holds the policy made from its rules (see gemini-policy.ts). */
export function geminiArgs(spec: SessionSpec, policyFile?: string): string[] {
  const args: string[] = [];
  if (policyFile !== undefined) args.push("--policy", policyFile);
  if (spec.model !== undefined) args.push("--model", spec.model);
  // yolo and auto_edit run uses unasked: with rules to hold, Gemini CLI keeps its default mode and the driver answers for the mode (unasked.ts).
  if (spec.permissionMode !== undefined && !forcedAsking(spec)) args.push("--approval-mode", APPROVAL[spec.permissionMode] ?? spec.permissionMode);
  if (spec.allowedTools !== undefined && spec.allowedTools.length > 0) args.push("--allowed-tools", spec.allowedTools.join(","));
  return args;
}
