import type { SessionSpec } from "@subagent-mcp/core";
import { geminiApprovalOf } from "@subagent-mcp/contract";
import { forcedAsking } from "../permissions/unasked.js";
import { geminiOwnEntryArgs, geminiToolNames } from "./gemini-own-entry.js";

/** Gemini CLI flags for a session spec; `policyFile` holds the policy made from its rules (see gemini-policy.ts). */
export function geminiArgs(spec: SessionSpec, policyFile?: string): string[] {
  const args: string[] = [];
  if (policyFile !== undefined) args.push("--policy", policyFile);
  if (spec.model !== undefined) args.push("--model", spec.model);
  // yolo and auto_edit run uses unasked: with rules to hold, Gemini CLI keeps its default mode and the driver answers for the mode (unasked.ts).
  if (spec.permissionMode !== undefined && !forcedAsking(spec)) args.push("--approval-mode", geminiApprovalOf(spec.permissionMode));
  if (spec.allowedTools !== undefined && spec.allowedTools.length > 0) args.push("--allowed-tools", geminiToolNames(spec, spec.allowedTools).join(","));
  args.push(...geminiOwnEntryArgs(spec));
  return args;
}
