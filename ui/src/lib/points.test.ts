import { describe, expect, it } from "vitest";
import { checkDelta, checkMax, checkScore, formatPoints, parseNumber, signedPoints, stepDelta } from "./points";

describe("parseNumber", () => {
  it("reads commas and dots", () => {
    expect(parseNumber("2,5")).toBe(2.5);
    expect(parseNumber("2.5")).toBe(2.5);
    expect(parseNumber(" 3 ")).toBe(3);
    expect(parseNumber(",5")).toBe(0.5);
    expect(parseNumber("\u22120,5")).toBe(-0.5);
  });
  it("returns null for empty and NaN for junk", () => {
    expect(parseNumber("   ")).toBeNull();
    expect(parseNumber("2,5,1")).toBeNaN();
    expect(parseNumber("abc")).toBeNaN();
    expect(parseNumber("1e3")).toBeNaN();
  });
});

describe("checkScore", () => {
  it("accepts values on the step within bounds", () => {
    expect(checkScore("2,5", 3, 0.5)).toEqual({ ok: true, value: 2.5 });
    expect(checkScore("0", 3, 0.5)).toEqual({ ok: true, value: 0 });
    expect(checkScore("3", 3, 1)).toEqual({ ok: true, value: 3 });
    expect(checkScore("0.75", 1, 0.25)).toEqual({ ok: true, value: 0.75 });
    expect(checkScore("", 3, 1)).toEqual({ ok: true, value: null });
  });
  it("refuses off-step, out of bounds and junk", () => {
    expect(checkScore("2,25", 3, 0.5)).toEqual({ ok: false, reason: "step" });
    expect(checkScore("2.5", 3, 1)).toEqual({ ok: false, reason: "step" });
    expect(checkScore("3,5", 3, 0.5)).toEqual({ ok: false, reason: "over_max" });
    expect(checkScore("-1", 3, 0.5)).toEqual({ ok: false, reason: "negative" });
    expect(checkScore("x", 3, 0.5)).toEqual({ ok: false, reason: "nan" });
  });
});

describe("deltas and maxima", () => {
  it("checks score stamp deltas", () => {
    expect(checkDelta(-0.5, 2, 0.5)).toEqual({ ok: true, value: -0.5 });
    expect(checkDelta(0, 2, 0.5).ok).toBe(false);
    expect(checkDelta(0.25, 2, 0.5)).toEqual({ ok: false, reason: "step" });
    expect(checkDelta(3, 2, 1)).toEqual({ ok: false, reason: "over_max" });
  });
  it("steps deltas around zero", () => {
    expect(stepDelta(0.5, 0.5, -1, 2)).toBe(-0.5);
    expect(stepDelta(-0.5, 0.5, 1, 2)).toBe(0.5);
    expect(stepDelta(2, 1, 1, 2)).toBe(2);
  });
  it("checks maxima", () => {
    expect(checkMax("1,5", 0.5)).toEqual({ ok: true, value: 1.5 });
    expect(checkMax("0", 0.5).ok).toBe(false);
    expect(checkMax("1,25", 0.5)).toEqual({ ok: false, reason: "step" });
  });
});

describe("formatting", () => {
  it("writes French points", () => {
    expect(formatPoints(2.5)).toBe("2,5");
    expect(formatPoints(12)).toBe("12");
    expect(formatPoints(1.75)).toBe("1,75");
    expect(formatPoints(2.5, "en")).toBe("2.5");
    expect(formatPoints(13.333333)).toBe("13,33");
  });
  it("writes signed stamps with a real minus sign", () => {
    expect(signedPoints(-0.5)).toBe("\u22120,5");
    expect(signedPoints(1)).toBe("+1");
    expect(signedPoints(0.25)).toBe("+0,25");
  });
});
