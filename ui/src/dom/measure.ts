// Text widths in the page font, measured once per string on a canvas (for label boxes
// and text bounding boxes); falls back to DejaVu Sans advance estimates.

import { estimateWidth, FONT_FAMILY, type Measure } from "../lib/shapes";

let ctx: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

export const measureText: Measure = (text, size) => {
  if (ctx === undefined) ctx = typeof document !== "undefined" ? document.createElement("canvas").getContext("2d") : null;
  if (!ctx) return estimateWidth(text, size);
  let w = cache.get(text);
  if (w === undefined) {
    ctx.font = `100px ${FONT_FAMILY}`;
    w = ctx.measureText(text).width;
    if (cache.size > 2000) cache.clear();
    cache.set(text, w);
  }
  return (w * size) / 100;
};
