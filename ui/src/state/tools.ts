// The grading desk's tools: which one is active, the pen's colour and width, the
// highlighter's colour, the custom stamp's label, the score stamp's leaf and delta, the
// comment armed for placing, and the text size. Preferences are remembered.

import { reactive, watch } from "vue";
import type { Shape } from "../bindings/Shape";
import type { Style } from "../bindings/Style";
import { HIGHLIGHTER_STYLE, PEN_STYLE, DEFAULT_TEXT_SIZE } from "../lib/shapes";

export type Tool =
  | "pen"
  | "highlighter"
  | "line"
  | "arrow"
  | "rect"
  | "ellipse"
  | "text"
  | "select"
  | "tick"
  | "cross"
  | "question"
  | "custom"
  | "score"
  | "comment";

export const DRAW_TOOLS: Tool[] = ["pen", "highlighter", "line", "arrow", "rect", "ellipse", "text"];
export const STAMP_TOOLS: Tool[] = ["tick", "cross", "question", "custom", "score"];

export const PEN_COLOURS = ["#d1242f", "#0b57d0", "#1a7f37", "#1f2328", "#c4620a"];
export const PEN_WIDTHS = [0.0012, 0.002, 0.0035];
export const HIGHLIGHTER_COLOURS = ["#ffd400", "#8ee07c", "#ff9ccf", "#8fd3ff"];
export const TEXT_SIZES = [0.015, 0.02, 0.028];

const KEY = "korrigo.tools";

interface Prefs {
  color: string;
  width: number;
  highlighter: string;
  customLabel: string;
  textSize: number;
}

function load(): Partial<Prefs> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "{}") as Partial<Prefs>;
  } catch {
    return {};
  }
}

const saved = load();

export const tools = reactive({
  tool: "pen" as Tool,
  color: typeof saved.color === "string" ? saved.color : PEN_STYLE.color,
  width: typeof saved.width === "number" ? saved.width : PEN_STYLE.width,
  highlighter: typeof saved.highlighter === "string" ? saved.highlighter : HIGHLIGHTER_STYLE.color,
  customLabel: typeof saved.customLabel === "string" && saved.customLabel ? saved.customLabel : "",
  textSize: typeof saved.textSize === "number" ? saved.textSize : DEFAULT_TEXT_SIZE,
  scoreNode: null as string | null,
  scoreDelta: 0.5,
  commentId: null as string | null,
});

watch(
  () => [tools.color, tools.width, tools.highlighter, tools.customLabel, tools.textSize],
  () => {
    try {
      const p: Prefs = { color: tools.color, width: tools.width, highlighter: tools.highlighter, customLabel: tools.customLabel, textSize: tools.textSize };
      localStorage.setItem(KEY, JSON.stringify(p));
    } catch {
      /* not kept */
    }
  },
);

/** The style a drawing tool sends (null: the station's default for the shape). */
export function styleFor(kind: Shape["kind"]): Style | null {
  switch (kind) {
    case "pen":
    case "line":
    case "arrow":
    case "rect":
    case "ellipse":
      return { color: tools.color, width: tools.width, opacity: 1 };
    case "text":
      return { color: tools.color, width: PEN_STYLE.width, opacity: 1 };
    case "highlighter":
      return { ...HIGHLIGHTER_STYLE, color: tools.highlighter };
    default:
      return null;
  }
}
