// Pen and highlighter strokes: pointer samples to the points stored (clamped to the
// page, decimated below a screen distance, capped in number), pressure to width, and the
// runs of equal width a stroke is drawn with — the same rule as the exported PDF:
// width px = style.width × page width px × (0.4 + 1.2·p), p averaged over a segment's ends.

export interface StrokePt {
  x: number;
  y: number;
  p: number;
}

/** What the server accepts at most in one stroke. */
export const MAX_STROKE_POINTS = 20_000;
/** Thinnest width drawn, and the quantum widths are rounded to (px). */
export const WIDTH_QUANTUM = 0.1;
/** Default minimum screen distance between kept points (px). */
export const MIN_STEP_PX = 0.75;

export function pressureFactor(p: number): number {
  return 0.4 + 1.2 * Math.min(1, Math.max(0, p));
}

/** The pressure of a pointer sample: a real pen's, else 0.5 (mouse, touch, or a pen reporting 0). */
export function samplePressure(pointerType: string, pressure: number): number {
  if (pointerType === "pen" && pressure > 0 && pressure <= 1) return pressure;
  return 0.5;
}

/** Width in px of the segment a→b for a style width (fraction of the page width). */
export function segmentWidth(a: StrokePt, b: StrokePt, styleWidth: number, pageW: number): number {
  return styleWidth * pageW * pressureFactor((a.p + b.p) / 2);
}

export function quantize(w: number, q = WIDTH_QUANTUM): number {
  return Math.max(q, Math.round(w / q) * q);
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const r2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Collects a stroke's points during a gesture. A sample closer than `minStepPx` screen
 * pixels to the last kept point is held back, and only kept if it ends the stroke.
 */
export class StrokeBuilder {
  readonly points: StrokePt[] = [];
  private held: StrokePt | null = null;

  constructor(
    private pageW: number,
    private pageH: number,
    private minStepPx = MIN_STEP_PX,
  ) {}

  /** Adds a sample (normalised); returns the point when kept. */
  add(x: number, y: number, p: number): StrokePt | null {
    const pt = { x: clamp01(x), y: clamp01(y), p: clamp01(p) };
    const last = this.points[this.points.length - 1];
    if (last) {
      const d = Math.hypot((pt.x - last.x) * this.pageW, (pt.y - last.y) * this.pageH);
      if (d < this.minStepPx || this.points.length >= MAX_STROKE_POINTS - 1) {
        this.held = pt;
        return null;
      }
    }
    this.held = null;
    this.points.push(pt);
    return pt;
  }

  /** Ends the stroke: the last sample is kept even if close; returns the point added, if any. */
  finish(): StrokePt | null {
    if (this.held && this.points.length < MAX_STROKE_POINTS) {
      const h = this.held;
      this.held = null;
      const last = this.points[this.points.length - 1];
      if (!last || last.x !== h.x || last.y !== h.y) {
        this.points.push(h);
        return h;
      }
    }
    return null;
  }
}

/** One drawing operation of a pen stroke: start a path of a new width, or extend the current one. */
export type RunOp =
  | { kind: "start"; width: number; d: string; /** replaces the lone-point dot drawn before */ replace: boolean }
  | { kind: "extend"; d: string };

/**
 * Turns pen points into paths of equal (quantised) width, incrementally: the live
 * stroke and the stored one are drawn by the same code.
 */
export class PenRuns {
  private prev: StrokePt | null = null;
  private width: number | null = null;
  private count = 0;

  constructor(
    private styleWidth: number,
    private pageW: number,
    private pageH: number,
  ) {}

  push(pt: StrokePt): RunOp {
    const x = r2(pt.x * this.pageW);
    const y = r2(pt.y * this.pageH);
    this.count++;
    const prev = this.prev;
    this.prev = pt;
    if (!prev) {
      // A lone point is a dot; a later point replaces this start.
      const w = quantize(segmentWidth(pt, pt, this.styleWidth, this.pageW));
      this.width = w;
      return { kind: "start", width: w, d: `M${x} ${y} l0.01 0`, replace: false };
    }
    const w = quantize(segmentWidth(prev, pt, this.styleWidth, this.pageW));
    if (this.count === 2 || w !== this.width) {
      const px = r2(prev.x * this.pageW);
      const py = r2(prev.y * this.pageH);
      this.width = w;
      return { kind: "start", width: w, d: `M${px} ${py} L${x} ${y}`, replace: this.count === 2 };
    }
    return { kind: "extend", d: ` L${x} ${y}` };
  }
}

export interface Run {
  width: number;
  d: string;
}

/** The paths of a whole pen stroke. A second point replaces the lone-point dot. */
export function penRuns(points: StrokePt[], styleWidth: number, pageW: number, pageH: number): Run[] {
  const b = new PenRuns(styleWidth, pageW, pageH);
  const runs: Run[] = [];
  points.forEach((p) => {
    const op = b.push(p);
    if (op.kind === "start") {
      if (op.replace) runs.pop();
      runs.push({ width: op.width, d: op.d });
    } else runs[runs.length - 1].d += op.d;
  });
  return runs;
}

/** A highlighter stroke's path (constant width). */
export function polylinePath(points: { x: number; y: number }[], pageW: number, pageH: number): string {
  if (points.length === 1) {
    const p = points[0];
    return `M${r2(p.x * pageW)} ${r2(p.y * pageH)} l0.01 0`;
  }
  return points.map((p, i) => `${i ? "L" : "M"}${r2(p.x * pageW)} ${r2(p.y * pageH)}`).join(" ");
}
