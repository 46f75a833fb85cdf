import { describe, expect, expectTypeOf, it } from "vitest";
import {
  acpModeIds,
  acpModeKeyOf,
  AcpModeKeySchema,
  codexSandboxOf,
  geminiApprovalOf,
  LEVEL,
  levelRank,
  PERMISSION_LEVELS,
  permissionLevelOf,
  PermissionModeSchema,
  type PermissionLevel,
} from "../src/index.js";

describe("permission modes", () => {
  it("orders the levels, least first, with auto between acceptEdits and bypassPermissions", () => {
    expect(PERMISSION_LEVELS).toEqual(["plan", "default", "acceptEdits", "auto", "bypassPermissions"]);
    expect(levelRank(LEVEL.auto)).toBeGreaterThan(levelRank(LEVEL.acceptEdits));
    expect(levelRank(LEVEL.auto)).toBeLessThan(levelRank(LEVEL.bypassPermissions));
    expectTypeOf(LEVEL.plan).toEqualTypeOf<"plan">();
  });

  it("knows each CLI's names for a level, and no other name", () => {
    const levels = Object.fromEntries(PermissionModeSchema.options.map((mode) => [mode, permissionLevelOf(mode)]));
    expect(levels).toEqual({
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
    } satisfies Record<string, PermissionLevel>);
    expect(permissionLevelOf("everything")).toBeUndefined();
    expect(permissionLevelOf(undefined)).toBeUndefined();
  });

  it("runs auto as acceptEdits on a CLI without an auto mode", () => {
    expect(codexSandboxOf("auto")).toBe(codexSandboxOf("acceptEdits"));
    expect(geminiApprovalOf("auto")).toBe(geminiApprovalOf("acceptEdits"));
    expect(acpModeKeyOf("auto")).toBe("acceptEdits");
  });

  it("maps a mode onto Codex's sandboxes and Gemini CLI's approval modes, passing a name of neither as it is", () => {
    expect(["plan", "default", "acceptEdits", "bypassPermissions"].map(codexSandboxOf)).toEqual([
      "read-only",
      undefined,
      "workspace-write",
      "danger-full-access",
    ]);
    expect(["read-only", "dontAsk", "workspace-write", "yolo"].map(codexSandboxOf)).toEqual(["read-only", undefined, "workspace-write", "danger-full-access"]);
    expect(["plan", "default", "acceptEdits", "bypassPermissions"].map(geminiApprovalOf)).toEqual(["plan", "default", "auto_edit", "yolo"]);
    expect(codexSandboxOf("custom")).toBe("custom");
    expect(geminiApprovalOf("custom")).toBe("custom");
  });

  it("lets a config map every level but auto onto an ACP agent's session modes", () => {
    expect(AcpModeKeySchema.options).toEqual(["plan", "default", "acceptEdits", "bypassPermissions"]);
    expect(acpModeIds(acpModeKeyOf("yolo") ?? "default")[0]).toBe("bypassPermissions");
    expect(acpModeKeyOf("custom")).toBeUndefined();
  });
});
