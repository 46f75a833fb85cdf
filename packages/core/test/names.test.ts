import { describe, expect, it } from "vitest";
import { SafeName } from "../src/index.js";

describe("SafeName", () => {
  it("takes a plain name of one path segment", () => {
    for (const name of ["a", "a1b2c3d4", "orchestrator-5f0c2a4e", "code.reviewer_2", "x".repeat(128)]) expect(SafeName.safeParse(name).success).toBe(true);
  });

  it("refuses anything that could leave its folder or is not a name", () => {
    for (const name of ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "-flag", "a..b", "a b", "x".repeat(129)])
      expect(SafeName.safeParse(name).success).toBe(false);
  });
});
