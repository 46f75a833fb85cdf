import { describe, expect, expectTypeOf, it } from "vitest";
import { definedFields } from "../src/index.js";

describe("definedFields", () => {
  it("leaves out the fields that are undefined and keeps the others, in order", () => {
    const label: string | undefined = undefined;
    const out = { id: "a", ...definedFields({ label, model: "m", turns: 0, note: null, off: false }) };
    expect(out).toEqual({ id: "a", model: "m", turns: 0, note: null, off: false });
    expect(Object.keys(out)).toEqual(["id", "model", "turns", "note", "off"]);
    expect("label" in out).toBe(false);
    expect(JSON.stringify(definedFields({ a: undefined, b: 1 }))).toBe('{"b":1}');
  });

  it("types a field that may be undefined as optional, never undefined, and keeps the others required", () => {
    const maybe = (): string | undefined => "x";
    const fields = definedFields({ label: maybe(), model: "m" });
    expectTypeOf(fields.model).toEqualTypeOf<string>();
    expectTypeOf(fields).toHaveProperty("label");
    expectTypeOf<typeof fields>().toExtend<{ model: string; label?: string }>();
    // @ts-expect-error a field that may be missing is not a required string
    const required: { label: string } = fields;
    expect(required).toEqual({ label: "x", model: "m" });
  });
});
