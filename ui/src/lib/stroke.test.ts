import { describe, expect, it } from "vitest";
import { MAX_STROKE_POINTS, penRuns, pressureFactor, samplePressure, segmentWidth, StrokeBuilder, quantize } from "./stroke";

describe("pressure", () => {
  it("treats a mouse as a pen at 0.5", () => {
    expect(samplePressure("mouse", 0)).toBe(0.5);
    expect(samplePressure("mouse", 0.5)).toBe(0.5);
    expect(samplePressure("pen", 0.8)).toBe(0.8);
    expect(samplePressure("pen", 0)).toBe(0.5);
  });
  it("maps pressure to width like the PDF", () => {
    expect(pressureFactor(0)).toBeCloseTo(0.4);
    expect(pressureFactor(1)).toBeCloseTo(1.6);
    expect(pressureFactor(2)).toBeCloseTo(1.6);
    // 0.002 of an 800 px page at mean pressure 0.5: 1.6 px × 1.0
    expect(segmentWidth({ x: 0, y: 0, p: 0.2 }, { x: 1, y: 0, p: 0.8 }, 0.002, 800)).toBeCloseTo(1.6);
    expect(segmentWidth({ x: 0, y: 0, p: 1 }, { x: 1, y: 0, p: 1 }, 0.002, 800)).toBeCloseTo(2.56);
  });
});

describe("StrokeBuilder", () => {
  it("decimates samples closer than the minimum step and keeps the last one", () => {
    const b = new StrokeBuilder(1000, 1000, 1);
    expect(b.add(0.1, 0.1, 0.5)).not.toBeNull();
    expect(b.add(0.1002, 0.1, 0.5)).toBeNull(); // 0.2 px
    expect(b.add(0.1005, 0.1, 0.5)).toBeNull(); // 0.5 px
    expect(b.add(0.102, 0.1, 0.5)).not.toBeNull(); // 2 px
    expect(b.add(0.1025, 0.1, 0.5)).toBeNull();
    expect(b.finish()).not.toBeNull();
    expect(b.points.map((p) => p.x)).toEqual([0.1, 0.102, 0.1025]);
  });
  it("clamps samples to the page", () => {
    const b = new StrokeBuilder(100, 100);
    b.add(-0.2, 1.3, 1.5);
    expect(b.points[0]).toEqual({ x: 0, y: 1, p: 1 });
  });
  it("never exceeds the server's limit", () => {
    const b = new StrokeBuilder(100000, 100000, 0);
    for (let i = 0; i < MAX_STROKE_POINTS + 50; i++) b.add(i / (MAX_STROKE_POINTS * 2), 0.5, 0.5);
    b.finish();
    expect(b.points.length).toBe(MAX_STROKE_POINTS);
  });
});

describe("penRuns", () => {
  it("splits a stroke where its width changes", () => {
    const pts = [
      { x: 0.1, y: 0.1, p: 0.1 },
      { x: 0.2, y: 0.1, p: 0.1 },
      { x: 0.3, y: 0.1, p: 0.9 },
      { x: 0.4, y: 0.1, p: 0.9 },
    ];
    const runs = penRuns(pts, 0.002, 600, 800);
    expect(runs.length).toBe(3);
    expect(runs[0].d).toBe("M60 80 L120 80");
    expect(runs[0].width).toBeCloseTo(quantize(0.002 * 600 * pressureFactor(0.1)));
    expect(runs[2].width).toBeCloseTo(quantize(0.002 * 600 * pressureFactor(0.9)));
  });
  it("joins segments of equal width into one path", () => {
    const pts = [0.1, 0.2, 0.3, 0.4].map((x) => ({ x, y: 0.5, p: 0.5 }));
    const runs = penRuns(pts, 0.002, 1000, 1000);
    expect(runs).toEqual([{ width: 2, d: "M100 500 L200 500 L300 500 L400 500" }]);
  });
  it("draws a lone point as a dot", () => {
    const runs = penRuns([{ x: 0.5, y: 0.5, p: 0.5 }], 0.002, 1000, 1000);
    expect(runs.length).toBe(1);
    expect(runs[0].d).toBe("M500 500 l0.01 0");
  });
});
