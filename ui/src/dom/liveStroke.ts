// A pen or highlighter stroke while it is drawn: pointer samples (with coalesced
// events) are queued, drawn once per animation frame straight into an SVG group (no
// framework, no IPC), and timed from event to paint for window.__korrigoPerf. The same
// StrokeBuilder / PenRuns as the stored stroke decide the points and widths.

import type { Style } from "../bindings/Style";
import type { Pt } from "../lib/geometry";
import { afterThisFrame, eventTime, FrameStats, publish } from "../lib/perf";
import { PenRuns, samplePressure, StrokeBuilder, type StrokePt } from "../lib/stroke";

const SVG_NS = "http://www.w3.org/2000/svg";
const perf = new FrameStats();

export class LiveStroke {
  private builder: StrokeBuilder;
  private runs: PenRuns | null;
  private el: SVGPathElement | null = null;
  private els: SVGPathElement[] = [];
  private d = "";
  private queue: StrokePt[] = [];
  private frame = 0;

  constructor(
    private layer: SVGGElement,
    readonly kind: "pen" | "highlighter",
    readonly style: Style,
    private W: number,
    private H: number,
    private toNorm: (e: { clientX: number; clientY: number }) => Pt,
  ) {
    this.builder = new StrokeBuilder(W, H);
    this.runs = kind === "pen" ? new PenRuns(style.width, W, H) : null;
    perf.begin();
  }

  /** Queues a pointer event's samples and asks for a frame. */
  add(e: PointerEvent): void {
    const coalesced = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    const list = coalesced.length ? coalesced : [e];
    const now = performance.now();
    for (const ev of list) {
      const p = this.toNorm(ev);
      this.queue.push({ x: p.x, y: p.y, p: samplePressure(ev.pointerType || e.pointerType, ev.pressure) });
      perf.sample(eventTime(ev.timeStamp, now));
    }
    if (!this.frame) this.frame = requestAnimationFrame(() => this.drawFrame());
  }

  /** Ends the stroke (drawing what is left) and returns its points. */
  finish(last?: PointerEvent): StrokePt[] {
    if (last) this.add(last);
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.flush();
    const end = this.builder.finish();
    if (end) this.draw(end);
    const points = this.builder.points.slice();
    const batch = perf.commit();
    requestAnimationFrame(() =>
      afterThisFrame((t) => {
        perf.painted(batch, t);
        publish(perf.end(points.length));
      }),
    );
    return points;
  }

  /** Removes what was drawn (once the stroke is shown another way). */
  clear(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.els.forEach((el) => el.remove());
    this.els = [];
  }

  private drawFrame(): void {
    this.frame = 0;
    this.flush();
    const batch = perf.commit();
    afterThisFrame((t) => perf.painted(batch, t));
  }

  private flush(): void {
    for (const q of this.queue) {
      const pt = this.builder.add(q.x, q.y, q.p);
      if (pt) this.draw(pt);
    }
    this.queue = [];
  }

  private newPath(width: number): SVGPathElement {
    const el = document.createElementNS(SVG_NS, "path");
    el.setAttribute("fill", "none");
    el.setAttribute("stroke", this.style.color);
    el.setAttribute("stroke-width", String(width));
    el.setAttribute("opacity", String(this.style.opacity));
    el.setAttribute("stroke-linejoin", "round");
    el.setAttribute("stroke-linecap", this.kind === "pen" ? "round" : "butt");
    if (this.kind === "highlighter") el.style.mixBlendMode = "multiply";
    this.layer.appendChild(el);
    this.els.push(el);
    return el;
  }

  private draw(pt: StrokePt): void {
    if (this.runs) {
      const op = this.runs.push(pt);
      if (op.kind === "start") {
        if (op.replace && this.el) {
          this.el.remove();
          this.els.pop();
        }
        this.el = this.newPath(op.width);
        this.d = op.d;
      } else this.d += op.d;
    } else {
      const x = Math.round(pt.x * this.W * 100) / 100;
      const y = Math.round(pt.y * this.H * 100) / 100;
      if (!this.el) this.el = this.newPath(this.style.width * this.W);
      this.d += this.d ? ` L${x} ${y}` : `M${x} ${y} l0.01 0`;
    }
    this.el!.setAttribute("d", this.d);
  }
}
