// Annotation shapes on screen: the SVG primitives each shape is drawn with (following
// the exported PDF's geometry: stamp size 0.035 × page width, labels 0.016 × page
// height in a rounded box, arrow heads, text lines), and the editing geometry of the
// select tool: bounding boxes, hit testing, moving and resizing in normalised coordinates.

import type { Shape } from "../bindings/Shape";
import type { Style } from "../bindings/Style";
import { penRuns, polylinePath } from "./stroke";
import { signedPoints } from "./points";
import { clamp, normRect, type Pt } from "./geometry";

export const STAMP = 0.035;
export const LABEL = 0.016;
/** DejaVu Sans, the exported PDF's font: cap height as a share of the size. */
export const CAP_HEIGHT = 0.729;
export const FONT_FAMILY = `"DejaVu Sans", Verdana, "Bitstream Vera Sans", sans-serif`;
export const DEFAULT_TEXT_SIZE = 0.02;

export const PEN_STYLE: Style = { color: "#d1242f", width: 0.002, opacity: 1 };
export const HIGHLIGHTER_STYLE: Style = { color: "#ffd400", width: 0.02, opacity: 0.35 };
export const TICK_STYLE: Style = { color: "#1a7f37", width: 0.003, opacity: 1 };

/** The style the server gives a shape sent without one. */
export function defaultStyle(shape: Shape): Style {
  if (shape.kind === "highlighter") return HIGHLIGHTER_STYLE;
  if (shape.kind === "stamp" && shape.stamp.type === "tick") return TICK_STYLE;
  return PEN_STYLE;
}

/** Text width in px for a font size in px. */
export type Measure = (text: string, size: number) => number;

/** Advance widths of DejaVu Sans (em), for when no canvas can measure. */
export const estimateWidth: Measure = (text, size) => {
  let em = 0;
  for (const c of text) {
    if (/[0-9]/.test(c)) em += 0.636;
    else if ("+−-=".includes(c)) em += c === "-" ? 0.361 : 0.838;
    else if (",. ".includes(c)) em += 0.318;
    else if (/[A-Z]/.test(c)) em += 0.7;
    else em += 0.6;
  }
  return em * size;
};

export type Prim =
  | { t: "path"; d: string; stroke: string; width: number; fill: string; opacity: number; cap: "round" | "butt"; blend: boolean }
  | { t: "ellipse"; cx: number; cy: number; rx: number; ry: number; stroke: string; width: number; opacity: number }
  | { t: "rect"; x: number; y: number; w: number; h: number; r: number; stroke: string; width: number; opacity: number }
  | { t: "text"; x: number; y: number; size: number; fill: string; text: string; anchor: "start" | "middle"; opacity: number };

const r2 = (v: number) => Math.round(v * 100) / 100;

function stroked(d: string, style: Style, width: number, cap: "round" | "butt" = "round", blend = false): Prim {
  return { t: "path", d, stroke: style.color, width, fill: "none", opacity: style.opacity, cap, blend };
}

/** The geometry of a label in a rounded box centred on `c` (px). */
export function labelBox(c: Pt, label: string, H: number, measure: Measure) {
  const size = LABEL * H;
  const tw = measure(label, size);
  const cap = CAP_HEIGHT * size;
  const w = tw + 0.8 * size;
  const h = cap + 0.7 * size;
  return { x: c.x - w / 2, y: c.y - h / 2, w, h, r: Math.min(h / 3, w / 2), size, baseline: c.y + cap / 2 };
}

function labelPrims(c: Pt, label: string, style: Style, W: number, H: number, measure: Measure): Prim[] {
  const b = labelBox(c, label, H, measure);
  const line = Math.max(style.width * W, W * 0.001);
  return [
    { t: "rect", x: r2(b.x), y: r2(b.y), w: r2(b.w), h: r2(b.h), r: r2(b.r), stroke: style.color, width: line, opacity: style.opacity },
    { t: "text", x: r2(c.x), y: r2(b.baseline), size: b.size, fill: style.color, text: label, anchor: "middle", opacity: style.opacity },
  ];
}

/** Arrow: the shaft up to the head's base, and the head triangle (px). */
export function arrowGeometry(a: Pt, b: Pt, line: number, W: number) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.max(Math.hypot(dx, dy), 1e-6);
  const ux = dx / len;
  const uy = dy / len;
  const head = Math.min(Math.max(6 * line, 0.015 * W), len);
  const base = { x: b.x - ux * head, y: b.y - uy * head };
  const half = head * 0.45;
  return {
    base,
    left: { x: base.x - uy * half, y: base.y + ux * half },
    right: { x: base.x + uy * half, y: base.y - ux * half },
  };
}

/** How a shape is drawn on a page W × H px. */
export function renderShape(shape: Shape, style: Style, W: number, H: number, measure: Measure = estimateWidth): Prim[] {
  const px = (p: Pt): Pt => ({ x: r2(p.x * W), y: r2(p.y * H) });
  const line = style.width * W;
  switch (shape.kind) {
    case "pen":
      return penRuns(shape.points, style.width, W, H).map((r) => stroked(r.d, style, r.width));
    case "highlighter":
      return [stroked(polylinePath(shape.points, W, H), style, line, "butt", true)];
    case "line": {
      const a = px(shape.from);
      const b = px(shape.to);
      return [stroked(`M${a.x} ${a.y} L${b.x} ${b.y}`, style, line)];
    }
    case "arrow": {
      const a = px(shape.from);
      const b = px(shape.to);
      const g = arrowGeometry(a, b, line, W);
      return [
        stroked(`M${a.x} ${a.y} L${r2(g.base.x)} ${r2(g.base.y)}`, style, line),
        {
          t: "path",
          d: `M${b.x} ${b.y} L${r2(g.left.x)} ${r2(g.left.y)} L${r2(g.right.x)} ${r2(g.right.y)} Z`,
          stroke: style.color,
          width: line,
          fill: style.color,
          opacity: style.opacity,
          cap: "round",
          blend: false,
        },
      ];
    }
    case "rect": {
      const r = normRect(shape.from, shape.to);
      return [{ t: "rect", x: r2(r.x * W), y: r2(r.y * H), w: r2(r.w * W), h: r2(r.h * H), r: 0, stroke: style.color, width: line, opacity: style.opacity }];
    }
    case "ellipse": {
      const r = normRect(shape.from, shape.to);
      return [
        { t: "ellipse", cx: r2((r.x + r.w / 2) * W), cy: r2((r.y + r.h / 2) * H), rx: r2((r.w / 2) * W), ry: r2((r.h / 2) * H), stroke: style.color, width: line, opacity: style.opacity },
      ];
    }
    case "text": {
      const size = shape.size * H;
      const x = r2(shape.at.x * W);
      const top = shape.at.y * H;
      return shape.text.split("\n").map((t, i) => ({
        t: "text" as const,
        x,
        y: r2(top + size * (0.93 + 1.2 * i)),
        size,
        fill: style.color,
        text: t,
        anchor: "start" as const,
        opacity: style.opacity,
      }));
    }
    case "stamp": {
      const c = { x: shape.at.x * W, y: shape.at.y * H };
      const s = STAMP * W;
      const w = Math.max(line, s / 10);
      switch (shape.stamp.type) {
        case "tick":
          return [stroked(`M${r2(c.x - 0.45 * s)} ${r2(c.y - 0.05 * s)} L${r2(c.x - 0.12 * s)} ${r2(c.y + 0.35 * s)} L${r2(c.x + 0.5 * s)} ${r2(c.y - 0.45 * s)}`, style, w)];
        case "cross": {
          const h = 0.4 * s;
          return [stroked(`M${r2(c.x - h)} ${r2(c.y - h)} L${r2(c.x + h)} ${r2(c.y + h)} M${r2(c.x - h)} ${r2(c.y + h)} L${r2(c.x + h)} ${r2(c.y - h)}`, style, w)];
        }
        case "question": {
          const size = s * 1.1;
          return [{ t: "text", x: r2(c.x), y: r2(c.y + (CAP_HEIGHT * size) / 2), size, fill: style.color, text: "?", anchor: "middle", opacity: style.opacity }];
        }
        case "custom":
          return labelPrims(c, shape.stamp.label, style, W, H, measure);
      }
      return [];
    }
    case "score":
      return labelPrims({ x: shape.at.x * W, y: shape.at.y * H }, signedPoints(shape.delta), style, W, H, measure);
  }
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The shape's bounding box in normalised coordinates. */
export function bbox(shape: Shape, W: number, H: number, measure: Measure = estimateWidth): Box {
  switch (shape.kind) {
    case "pen":
    case "highlighter": {
      const xs = shape.points.map((p) => p.x);
      const ys = shape.points.map((p) => p.y);
      const x = Math.min(...xs);
      const y = Math.min(...ys);
      return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
    }
    case "line":
    case "arrow":
    case "rect":
    case "ellipse":
      return normRect(shape.from, shape.to);
    case "text": {
      const size = shape.size * H;
      const lines = shape.text.split("\n");
      const w = Math.max(...lines.map((l) => measure(l, size)));
      return { x: shape.at.x, y: shape.at.y, w: w / W, h: (size * (1.2 * (lines.length - 1) + 1.15)) / H };
    }
    case "stamp":
    case "score": {
      const c = { x: shape.at.x * W, y: shape.at.y * H };
      if (shape.kind === "score" || shape.stamp.type === "custom") {
        const label = shape.kind === "score" ? signedPoints(shape.delta) : shape.stamp.type === "custom" ? shape.stamp.label : "";
        const b = labelBox(c, label, H, measure);
        return { x: b.x / W, y: b.y / H, w: b.w / W, h: b.h / H };
      }
      const s = (STAMP * W) / 2;
      return { x: (c.x - s) / W, y: (c.y - s) / H, w: (2 * s) / W, h: (2 * s) / H };
    }
  }
}

function distToSegment(p: Pt, a: Pt, b: Pt): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / l2, 0, 1);
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Whether `p` (normalised) touches the shape, within `tol` screen px. */
export function hitTest(shape: Shape, style: Style, p: Pt, W: number, H: number, tol = 6, measure: Measure = estimateWidth): boolean {
  const q = { x: p.x * W, y: p.y * H };
  const px = (v: Pt) => ({ x: v.x * W, y: v.y * H });
  const near = (pts: Pt[], extra: number) => {
    if (pts.length === 1) return Math.hypot(q.x - pts[0].x * W, q.y - pts[0].y * H) <= tol + extra;
    for (let i = 1; i < pts.length; i++) if (distToSegment(q, px(pts[i - 1]), px(pts[i])) <= tol + extra) return true;
    return false;
  };
  const line = style.width * W;
  switch (shape.kind) {
    case "pen":
      return near(shape.points, line);
    case "highlighter":
      return near(shape.points, line / 2);
    case "line":
    case "arrow":
      return near([shape.from, shape.to], line / 2);
    case "rect": {
      const r = normRect(shape.from, shape.to);
      const c = [
        { x: r.x, y: r.y },
        { x: r.x + r.w, y: r.y },
        { x: r.x + r.w, y: r.y + r.h },
        { x: r.x, y: r.y + r.h },
        { x: r.x, y: r.y },
      ];
      return near(c, line / 2);
    }
    case "ellipse": {
      const r = normRect(shape.from, shape.to);
      const rx = (r.w * W) / 2;
      const ry = (r.h * H) / 2;
      const cx = r.x * W + rx;
      const cy = r.y * H + ry;
      if (rx < 1 || ry < 1) return near([shape.from, shape.to], line / 2);
      const k = Math.hypot((q.x - cx) / rx, (q.y - cy) / ry);
      return Math.abs(k - 1) * Math.min(rx, ry) <= tol + line / 2;
    }
    default: {
      const b = bbox(shape, W, H, measure);
      return q.x >= b.x * W - tol && q.x <= (b.x + b.w) * W + tol && q.y >= b.y * H - tol && q.y <= (b.y + b.h) * H + tol;
    }
  }
}

/** The points that define a shape (what moving and resizing change). */
export function controlPoints(shape: Shape): Pt[] {
  switch (shape.kind) {
    case "pen":
    case "highlighter":
      return shape.points;
    case "line":
    case "arrow":
    case "rect":
    case "ellipse":
      return [shape.from, shape.to];
    default:
      return [shape.at];
  }
}

function mapPoints(shape: Shape, f: (p: Pt) => Pt): Shape {
  switch (shape.kind) {
    case "pen":
    case "highlighter":
      return { ...shape, points: shape.points.map((p) => ({ ...f(p), p: p.p })) };
    case "line":
    case "arrow":
    case "rect":
    case "ellipse":
      return { ...shape, from: f(shape.from), to: f(shape.to) };
    default:
      return { ...shape, at: f(shape.at) };
  }
}

/** Moves a shape by (dx, dy), stopping at the page's edges. */
export function translate(shape: Shape, dx: number, dy: number): Shape {
  const pts = controlPoints(shape);
  const minX = Math.min(...pts.map((p) => p.x));
  const maxX = Math.max(...pts.map((p) => p.x));
  const minY = Math.min(...pts.map((p) => p.y));
  const maxY = Math.max(...pts.map((p) => p.y));
  const cx = clamp(dx, -minX, 1 - maxX);
  const cy = clamp(dy, -minY, 1 - maxY);
  return mapPoints(shape, (p) => ({ x: p.x + cx, y: p.y + cy }));
}

export type HandleId = "nw" | "ne" | "sw" | "se" | "from" | "to";

/** The resize handles of a shape (normalised); none for stamps and score stamps. */
export function handlesOf(shape: Shape, box: Box): { id: HandleId; x: number; y: number }[] {
  if (shape.kind === "line" || shape.kind === "arrow") {
    return [
      { id: "from", ...shape.from },
      { id: "to", ...shape.to },
    ];
  }
  if (shape.kind === "stamp" || shape.kind === "score") return [];
  return [
    { id: "nw", x: box.x, y: box.y },
    { id: "ne", x: box.x + box.w, y: box.y },
    { id: "sw", x: box.x, y: box.y + box.h },
    { id: "se", x: box.x + box.w, y: box.y + box.h },
  ];
}

/** The shape after dragging handle `handle` of its box `box` to `to` (normalised). */
export function resize(shape: Shape, box: Box, handle: HandleId, to: Pt): Shape {
  const p = { x: clamp(to.x, 0, 1), y: clamp(to.y, 0, 1) };
  if (handle === "from" || handle === "to") {
    if (shape.kind !== "line" && shape.kind !== "arrow") return shape;
    return { ...shape, [handle]: p };
  }
  const fixed = {
    x: handle === "nw" || handle === "sw" ? box.x + box.w : box.x,
    y: handle === "nw" || handle === "ne" ? box.y + box.h : box.y,
  };
  const moving = { x: handle === "nw" || handle === "sw" ? box.x : box.x + box.w, y: handle === "nw" || handle === "ne" ? box.y : box.y + box.h };
  const sx = box.w > 1e-9 ? (p.x - fixed.x) / (moving.x - fixed.x) : 1;
  const sy = box.h > 1e-9 ? (p.y - fixed.y) / (moving.y - fixed.y) : 1;
  if (shape.kind === "text") {
    const s = Math.abs(sy);
    const size = clamp(shape.size * s, 0.005, 0.2);
    return { ...shape, size };
  }
  const map = (q: Pt): Pt => ({ x: clamp(fixed.x + (q.x - fixed.x) * sx, 0, 1), y: clamp(fixed.y + (q.y - fixed.y) * sy, 0, 1) });
  return mapPoints(shape, map);
}

/** The topmost annotation under `p`. */
export function pick<T extends { shape: Shape; style: Style; z: bigint | number }>(items: T[], p: Pt, W: number, H: number, measure: Measure = estimateWidth): T | null {
  const sorted = [...items].sort((a, b) => Number(b.z) - Number(a.z));
  return sorted.find((a) => hitTest(a.shape, a.style, p, W, H, 6, measure)) ?? null;
}
