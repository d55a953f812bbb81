// Page geometry of the viewer: where the page box sits in the viewport for a zoom and a
// pan, normalised page coordinates ([0,1], x right, y down) to screen pixels and back,
// zooming about a point, keeping the page in view, and the width to ask images at.

export interface Pt {
  x: number;
  y: number;
}

/** The page box in viewport pixels. */
export interface Layout {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** zoom 1 = the page as wide as the fit width; pan = the page's top-left in the viewport. */
export interface ViewState {
  zoom: number;
  panX: number;
  panY: number;
}

/** Height over width of an A4 page, until the image says otherwise. */
export const A4_ASPECT = 297 / 210;
export const MIN_ZOOM = 0.25;
export const MAX_ZOOM = 6;
export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6];

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

export function clampZoom(z: number): number {
  return clamp(z, MIN_ZOOM, MAX_ZOOM);
}

export function layoutOf(view: ViewState, fitWidth: number, aspect: number): Layout {
  const w = fitWidth * view.zoom;
  return { x: view.panX, y: view.panY, w, h: w * aspect };
}

export function normToScreen(p: Pt, l: Layout): Pt {
  return { x: l.x + p.x * l.w, y: l.y + p.y * l.h };
}

/** A viewport point as a page point; clamped to the page unless `clampToPage` is false. */
export function screenToNorm(p: Pt, l: Layout, clampToPage = true): Pt {
  const x = (p.x - l.x) / l.w;
  const y = (p.y - l.y) / l.h;
  return clampToPage ? { x: clamp(x, 0, 1), y: clamp(y, 0, 1) } : { x, y };
}

/** The view that shows the page at the full width of the viewport, top aligned. */
export function fitWidthView(margin: number): ViewState {
  return { zoom: 1, panX: margin, panY: margin };
}

/** The fit width for a viewport `width` wide. */
export function fitWidthOf(containerW: number, margin: number): number {
  return Math.max(50, containerW - 2 * margin);
}

/** The zoom that shows the whole page in the viewport. */
export function fitPageZoom(containerW: number, containerH: number, margin: number, aspect: number): number {
  const fw = fitWidthOf(containerW, margin);
  const hZoom = (containerH - 2 * margin) / (fw * aspect);
  return clampZoom(Math.min(1, hZoom));
}

/** Changes the zoom keeping the page point under `anchor` (viewport px) where it is. */
export function zoomAt(view: ViewState, zoom: number, anchor: Pt): ViewState {
  const z = clampZoom(zoom);
  const r = z / view.zoom;
  return {
    zoom: z,
    panX: anchor.x - (anchor.x - view.panX) * r,
    panY: anchor.y - (anchor.y - view.panY) * r,
  };
}

/** The next zoom step up or down from `zoom`. */
export function stepZoom(zoom: number, dir: 1 | -1): number {
  if (dir > 0) return ZOOM_STEPS.find((s) => s > zoom + 1e-6) ?? MAX_ZOOM;
  return [...ZOOM_STEPS].reverse().find((s) => s < zoom - 1e-6) ?? MIN_ZOOM;
}

/**
 * Keeps the page in view: a page narrower (shorter) than the viewport is centred
 * (top-aligned vertically), a larger one cannot leave a gap wider than `margin`.
 */
export function clampPan(view: ViewState, fitWidth: number, aspect: number, containerW: number, containerH: number, margin: number): ViewState {
  const { w, h } = layoutOf(view, fitWidth, aspect);
  const panX = w + 2 * margin <= containerW ? (containerW - w) / 2 : clamp(view.panX, containerW - w - margin, margin);
  const panY = h + 2 * margin <= containerH ? margin : clamp(view.panY, containerH - h - margin, margin);
  return { zoom: view.zoom, panX, panY };
}

/** The image width to ask the page server for: device pixels, in steps of 200, at most 3000. */
export function requestWidth(displayW: number, dpr = 1): number {
  const px = Math.max(1, displayW * dpr);
  return Math.min(3000, Math.max(200, Math.ceil(px / 200) * 200));
}

/** The rectangle between two normalised corners. */
export function normRect(a: Pt, b: Pt): { x: number; y: number; w: number; h: number } {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
}
