import { describe, expect, it } from "vitest";
import { clampPan, layoutOf, normToScreen, requestWidth, screenToNorm, stepZoom, zoomAt } from "./geometry";

const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 9);

describe("normalised ↔ screen", () => {
  it("maps page corners and back at any zoom and pan", () => {
    for (const zoom of [0.5, 1, 2.5]) {
      const l = layoutOf({ zoom, panX: -37, panY: 12 }, 600, 1.5);
      expect(l.w).toBe(600 * zoom);
      expect(l.h).toBe(900 * zoom);
      const s = normToScreen({ x: 0.25, y: 0.8 }, l);
      close(s.x, -37 + 0.25 * 600 * zoom);
      close(s.y, 12 + 0.8 * 900 * zoom);
      const n = screenToNorm(s, l);
      close(n.x, 0.25);
      close(n.y, 0.8);
    }
  });
  it("clamps points outside the page unless asked not to", () => {
    const l = layoutOf({ zoom: 1, panX: 0, panY: 0 }, 100, 1);
    expect(screenToNorm({ x: -10, y: 150 }, l)).toEqual({ x: 0, y: 1 });
    expect(screenToNorm({ x: -10, y: 150 }, l, false)).toEqual({ x: -0.1, y: 1.5 });
  });
});

describe("zoom and pan", () => {
  it("keeps the point under the cursor fixed while zooming", () => {
    const v = { zoom: 1, panX: 20, panY: -100 };
    const anchor = { x: 300, y: 250 };
    const before = screenToNorm(anchor, layoutOf(v, 800, 1.4), false);
    const z = zoomAt(v, 2, anchor);
    expect(z.zoom).toBe(2);
    const after = screenToNorm(anchor, layoutOf(z, 800, 1.4), false);
    close(after.x, before.x);
    close(after.y, before.y);
  });
  it("clamps the zoom", () => {
    expect(zoomAt({ zoom: 1, panX: 0, panY: 0 }, 100, { x: 0, y: 0 }).zoom).toBe(6);
    expect(stepZoom(1, 1)).toBe(1.1);
    expect(stepZoom(1, -1)).toBe(0.9);
    expect(stepZoom(6, 1)).toBe(6);
  });
  it("centres a small page and stops a big one from leaving", () => {
    const small = clampPan({ zoom: 0.5, panX: 0, panY: 300 }, 600, 1.4, 632, 700, 16);
    close(small.panX, (632 - 300) / 2);
    expect(small.panY).toBe(16);
    const big = clampPan({ zoom: 2, panX: 500, panY: -5000 }, 600, 1.4, 632, 700, 16);
    expect(big.panX).toBe(16);
    close(big.panY, 700 - 1200 * 1.4 - 16);
  });
  it("asks images in steps of 200 device pixels", () => {
    expect(requestWidth(601, 1)).toBe(800);
    expect(requestWidth(600, 2)).toBe(1200);
    expect(requestWidth(5000, 1)).toBe(3000);
    expect(requestWidth(10, 1)).toBe(200);
  });
});
