// The page viewer's zoom and pan: the viewport's size (observed), the zoom and the
// page's position, the page's aspect once its image says it, zooming about a point
// (Ctrl+wheel, buttons, keys), panning by wheel, and Space held for drag-panning.

import { computed, onBeforeUnmount, onMounted, reactive, ref, type Ref } from "vue";
import { A4_ASPECT, clampPan, fitPageZoom, fitWidthOf, layoutOf, stepZoom, zoomAt, type Pt, type ViewState } from "../../lib/geometry";
import { isTyping } from "../../lib/shortcuts";

export const MARGIN = 16;
/** The zoom last used, so that the next copy opens at the same zoom. */
let lastZoom = 1;

export function useZoomPan(viewport: Ref<HTMLElement | null>, pageKey: Ref<string>, onResize: () => void) {
  const box = reactive({ w: 0, h: 0 });
  const view = reactive<ViewState>({ zoom: lastZoom, panX: MARGIN, panY: MARGIN });
  const aspects = reactive(new Map<string, number>());
  const aspect = computed(() => aspects.get(pageKey.value) ?? A4_ASPECT);
  const fitWidth = computed(() => fitWidthOf(box.w, MARGIN));
  const layout = computed(() => layoutOf(view, fitWidth.value, aspect.value));
  const W = computed(() => Math.max(1, layout.value.w));
  const H = computed(() => Math.max(1, layout.value.h));
  const spaceHeld = ref(false);

  function keepInView() {
    lastZoom = view.zoom;
    if (!box.w) return;
    Object.assign(view, clampPan(view, fitWidth.value, aspect.value, box.w, box.h, MARGIN));
  }
  function setAspect(w: number, h: number) {
    if (w > 0 && h > 0) aspects.set(pageKey.value, h / w);
    keepInView();
  }
  function setZoom(z: number, anchor?: Pt) {
    Object.assign(view, zoomAt(view, z, anchor ?? { x: box.w / 2, y: box.h / 2 }));
    keepInView();
  }
  const zoomIn = () => setZoom(stepZoom(view.zoom, 1));
  const zoomOut = () => setZoom(stepZoom(view.zoom, -1));
  function fit() {
    Object.assign(view, { zoom: 1, panX: MARGIN, panY: MARGIN });
    keepInView();
  }
  function fitPage() {
    Object.assign(view, { zoom: fitPageZoom(box.w, box.h, MARGIN, aspect.value), panY: MARGIN });
    keepInView();
  }
  function toTop() {
    view.panY = MARGIN;
    keepInView();
  }
  function panBy(dx: number, dy: number) {
    view.panX += dx;
    view.panY += dy;
    keepInView();
  }
  function onWheel(e: WheelEvent) {
    e.preventDefault();
    const r = viewport.value!.getBoundingClientRect();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? box.h : 1;
    if (e.ctrlKey || e.metaKey) {
      setZoom(view.zoom * Math.exp(-e.deltaY * unit * 0.0015), { x: e.clientX - r.left, y: e.clientY - r.top });
    } else if (e.shiftKey) {
      panBy(-e.deltaY * unit, 0);
    } else {
      panBy(-e.deltaX * unit, -e.deltaY * unit);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === " " && !isTyping(e.target)) {
      e.preventDefault();
      spaceHeld.value = true;
    }
  }
  function onKeyUp(e: KeyboardEvent) {
    if (e.key === " ") spaceHeld.value = false;
  }
  function onBlur() {
    spaceHeld.value = false;
  }

  let observer: ResizeObserver | null = null;
  onMounted(() => {
    observer = new ResizeObserver(() => {
      const el = viewport.value;
      if (!el) return;
      box.w = el.clientWidth;
      box.h = el.clientHeight;
      keepInView();
      onResize();
    });
    if (viewport.value) observer.observe(viewport.value);
    window.addEventListener("keydown", onKeyDown);
    window.addEventListener("keyup", onKeyUp);
    window.addEventListener("blur", onBlur);
  });
  onBeforeUnmount(() => {
    observer?.disconnect();
    window.removeEventListener("keydown", onKeyDown);
    window.removeEventListener("keyup", onKeyUp);
    window.removeEventListener("blur", onBlur);
  });

  return { box, view, layout, W, H, spaceHeld, keepInView, setAspect, zoomIn, zoomOut, fit, fitPage, toTop, onWheel };
}
