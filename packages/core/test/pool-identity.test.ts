import { describe, expect, it } from "vitest";
import { poolLabel, poolOf, type PoolIdentity } from "../src/index.js";

describe("pool identity", () => {
  it("reads back every label it writes", () => {
    const identities: PoolIdentity[] = [
      { pool: "reviewer", replica: 0 },
      { pool: "reviewer", replica: 12 },
      { pool: "a-b", replica: "spare" },
      { pool: "x", replica: "escalated" },
      { pool: "x" },
    ];
    for (const identity of identities) expect(poolOf(poolLabel(identity))).toEqual(identity);
    expect(poolLabel({ pool: "reviewer", replica: 2 })).toBe("pool:reviewer#2");
  });

  it("is no pool's for other labels, and keeps the pool of a replica part it does not know", () => {
    expect(poolOf(undefined)).toBeUndefined();
    expect(poolOf("reviewer#1")).toBeUndefined();
    expect(poolOf("pool:")).toBeUndefined();
    expect(poolOf("pool:reviewer#later")).toEqual({ pool: "reviewer" });
  });
});
