import { describe, expect, it } from "vitest";
import { CodedError, errorMessage, isCodedError } from "../src/index.js";

class ThingError extends CodedError<"BROKEN" | "GONE"> {
  override readonly name = "ThingError";
}

describe("CodedError", () => {
  it("keeps the code, the message and the subclass's name", () => {
    const error = new ThingError("BROKEN", "the thing broke");
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "ThingError", code: "BROKEN", message: "the thing broke" });
    expect(isCodedError(error)).toBe(true);
  });

  it("does not take Node's coded errors, or anything else with an upper-case code, for ours", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
    const internal = Object.assign(new TypeError("bad"), { code: "ERR_INVALID_ARG_TYPE" });
    expect(isCodedError(enoent)).toBe(false);
    expect(isCodedError(internal)).toBe(false);
    expect(isCodedError({ code: "BROKEN", message: "x" })).toBe(false);
    expect(isCodedError(undefined)).toBe(false);
    expect(isCodedError("BROKEN")).toBe(false);
  });

  it("knows an error made by another copy of the module (a bundle may hold two)", () => {
    const foreign = Object.assign(new Error("from a copy"), { code: "BROKEN", [Symbol.for("subagent-mcp.coded-error")]: true });
    expect(isCodedError(foreign)).toBe(true);
  });
});

describe("errorMessage", () => {
  it("is an Error's message, or the thrown value as text", () => {
    expect(errorMessage(new TypeError("bad"))).toBe("bad");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage(42)).toBe("42");
  });
});
