import { describe, expect, expectTypeOf, it } from "vitest";
import { FleetConfigSchema, type FleetConfig } from "../src/index.js";

describe("fleet config", () => {
  it("caps a node at one of the permission levels, auto excepted, as the one vocabulary names them", () => {
    expect(FleetConfigSchema.parse({ permission_mode: "acceptEdits" }).permission_mode).toBe("acceptEdits");
    expect(FleetConfigSchema.safeParse({ permission_mode: "auto" }).success).toBe(false);
    expect(FleetConfigSchema.safeParse({ permission_mode: "yolo" }).success).toBe(false);
    expectTypeOf<FleetConfig["permission_mode"]>().toEqualTypeOf<"plan" | "default" | "acceptEdits" | "bypassPermissions" | undefined>();
  });
});
