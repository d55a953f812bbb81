import { describe, expect, it } from "vitest";
import type { Shape } from "../bindings/Shape";
import { arrowGeometry, bbox, defaultStyle, hitTest, PEN_STYLE, pick, renderShape, resize, translate } from "./shapes";

const W = 1000;
const H = 1400;

describe("renderShape", () => {
  it("draws a score stamp with a real minus sign and a French comma", () => {
    const prims = renderShape({ kind: "score", at: { x: 0.5, y: 0.5 }, node: "q1", delta: -0.5 }, PEN_STYLE, W, H);
    const text = prims.find((p) => p.t === "text");
    expect(text && text.t === "text" && text.text).toBe("\u22120,5");
    expect(text && text.t === "text" && text.size).toBeCloseTo(0.016 * H);
    expect(prims[0].t).toBe("rect");
  });
  it("sizes stamps on the page width", () => {
    const [tick] = renderShape({ kind: "stamp", at: { x: 0.5, y: 0.5 }, stamp: { type: "tick" } }, defaultStyle({ kind: "stamp", at: { x: 0, y: 0 }, stamp: { type: "tick" } }), W, H);
    expect(tick.t === "path" && tick.stroke).toBe("#1a7f37");
    expect(tick.t === "path" && tick.width).toBeCloseTo(3.5);
  });
  it("draws highlighters with multiply blending and butt caps", () => {
    const [p] = renderShape({ kind: "highlighter", points: [{ x: 0.1, y: 0.1, p: 0.5 }, { x: 0.2, y: 0.1, p: 0.5 }] }, defaultStyle({ kind: "highlighter", points: [] }), W, H);
    expect(p.t === "path" && p.blend).toBe(true);
    expect(p.t === "path" && p.cap).toBe("butt");
    expect(p.t === "path" && p.width).toBeCloseTo(20);
  });
  it("places text lines from the top-left", () => {
    const prims = renderShape({ kind: "text", at: { x: 0.1, y: 0.1 }, text: "a\nb", size: 0.02 }, PEN_STYLE, W, H);
    expect(prims.length).toBe(2);
    const [a, b] = prims;
    expect(a.t === "text" && a.y).toBeCloseTo(140 + 28 * 0.93, 1);
    expect(b.t === "text" && b.y).toBeCloseTo(140 + 28 * 2.13, 1);
  });
  it("gives arrows a head that never exceeds the shaft", () => {
    const g = arrowGeometry({ x: 0, y: 0 }, { x: 100, y: 0 }, 2, 1000);
    expect(g.base.x).toBeCloseTo(85);
    const short = arrowGeometry({ x: 0, y: 0 }, { x: 5, y: 0 }, 2, 1000);
    expect(short.base.x).toBeCloseTo(0);
  });
});

describe("editing geometry", () => {
  const line: Shape = { kind: "line", from: { x: 0.1, y: 0.1 }, to: { x: 0.3, y: 0.1 } };
  it("hits near a line and misses far from it", () => {
    expect(hitTest(line, PEN_STYLE, { x: 0.2, y: 0.1 + 3 / H }, W, H)).toBe(true);
    expect(hitTest(line, PEN_STYLE, { x: 0.2, y: 0.2 }, W, H)).toBe(false);
  });
  it("moves shapes but not off the page", () => {
    const moved = translate(line, 0.8, 0.05);
    expect(moved.kind === "line" && moved.to.x).toBeCloseTo(1);
    expect(moved.kind === "line" && moved.from.x).toBeCloseTo(0.8);
    expect(moved.kind === "line" && moved.from.y).toBeCloseTo(0.15);
  });
  it("resizes a rectangle from a corner, the opposite one fixed", () => {
    const rect: Shape = { kind: "rect", from: { x: 0.2, y: 0.2 }, to: { x: 0.4, y: 0.4 } };
    const r = resize(rect, bbox(rect, W, H), "se", { x: 0.6, y: 0.5 });
    expect(r).toEqual({ kind: "rect", from: { x: 0.2, y: 0.2 }, to: { x: 0.6, y: 0.5 } });
  });
  it("scales pen strokes keeping pressure", () => {
    const pen: Shape = { kind: "pen", points: [{ x: 0.1, y: 0.1, p: 0.3 }, { x: 0.2, y: 0.3, p: 0.7 }] };
    const r = resize(pen, bbox(pen, W, H), "se", { x: 0.3, y: 0.5 });
    const end = r.kind === "pen" ? r.points[1] : { x: 0, y: 0, p: 0 };
    expect(end.x).toBeCloseTo(0.3);
    expect(end.y).toBeCloseTo(0.5);
    expect(end.p).toBe(0.7);
    expect(r.kind === "pen" && r.points[0]).toEqual({ x: 0.1, y: 0.1, p: 0.3 });
  });
  it("picks the topmost annotation", () => {
    const items = [
      { id: "a", shape: { kind: "rect", from: { x: 0.1, y: 0.1 }, to: { x: 0.5, y: 0.5 } } as Shape, style: PEN_STYLE, z: 1n },
      { id: "b", shape: { kind: "stamp", at: { x: 0.1, y: 0.3 }, stamp: { type: "cross" } } as Shape, style: PEN_STYLE, z: 2n },
    ];
    expect(pick(items, { x: 0.1, y: 0.3 }, W, H)?.id).toBe("b");
    expect(pick(items, { x: 0.9, y: 0.9 }, W, H)).toBeNull();
  });
});
