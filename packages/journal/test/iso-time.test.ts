import { describe, expect, it } from "vitest";
import { isoTime } from "../src/recorder/iso-time.js";

describe("isoTime", () => {
  it("writes an instant as Date#toISOString does", () => {
    const instants = [0, 1, 999, 86_399_999, 951_782_400_000, 1_709_164_800_123, Date.now(), 253_402_300_799_999, -62_167_219_200_000];
    for (let i = 0; i < 2_000; i += 1) instants.push(Math.floor(Math.random() * 253_402_300_799_999));
    for (const ms of instants) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it("stamps now by default", () => {
    const before = Date.now();
    const at = Date.parse(isoTime());
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});
