// Every keyboard shortcut of the window, in one map: what each does, in which screen,
// and how an event is read (letters as typed, digits by their physical key so that
// AZERTY keyboards reach 1, 2, 3 without Shift). The help panel and tooltips show it.

export type Scope = "global" | "grading" | "review" | "bareme";

export interface Shortcut {
  /** Action name; also the i18n key under `shortcuts.`. */
  action: string;
  scope: Scope;
  /** Canonical key combinations ("Ctrl+Shift+Z", "P", "PageDown"). */
  keys: string[];
}

export const SHORTCUTS: Shortcut[] = [
  { action: "nav_exams", scope: "global", keys: ["Alt+1"] },
  { action: "nav_import", scope: "global", keys: ["Alt+2"] },
  { action: "nav_review", scope: "global", keys: ["Alt+3"] },
  { action: "nav_bareme", scope: "global", keys: ["Alt+4"] },
  { action: "nav_grading", scope: "global", keys: ["Alt+5"] },
  { action: "nav_stats", scope: "global", keys: ["Alt+6"] },
  { action: "nav_export", scope: "global", keys: ["Alt+7"] },
  { action: "nav_sync", scope: "global", keys: ["Alt+8"] },
  { action: "sync_now", scope: "global", keys: ["Ctrl+Shift+S"] },

  { action: "tool_pen", scope: "grading", keys: ["P"] },
  { action: "tool_highlighter", scope: "grading", keys: ["H"] },
  { action: "tool_line", scope: "grading", keys: ["L"] },
  { action: "tool_arrow", scope: "grading", keys: ["A"] },
  { action: "tool_rect", scope: "grading", keys: ["R"] },
  { action: "tool_ellipse", scope: "grading", keys: ["E"] },
  { action: "tool_text", scope: "grading", keys: ["T"] },
  { action: "tool_select", scope: "grading", keys: ["V"] },
  { action: "tool_tick", scope: "grading", keys: ["1"] },
  { action: "tool_cross", scope: "grading", keys: ["2"] },
  { action: "tool_question", scope: "grading", keys: ["3"] },
  { action: "tool_custom", scope: "grading", keys: ["4"] },
  { action: "tool_score", scope: "grading", keys: ["S"] },
  { action: "comments", scope: "grading", keys: ["C"] },
  { action: "undo", scope: "grading", keys: ["Ctrl+Z"] },
  { action: "redo", scope: "grading", keys: ["Ctrl+Shift+Z", "Ctrl+Y"] },
  { action: "delete", scope: "grading", keys: ["Delete", "Backspace"] },
  { action: "deselect", scope: "grading", keys: ["Escape"] },
  { action: "page_next", scope: "grading", keys: ["PageDown", "ArrowRight"] },
  { action: "page_prev", scope: "grading", keys: ["PageUp", "ArrowLeft"] },
  { action: "copy_next", scope: "grading", keys: ["Ctrl+ArrowRight", "J"] },
  { action: "copy_prev", scope: "grading", keys: ["Ctrl+ArrowLeft", "K"] },
  { action: "zoom_in", scope: "grading", keys: ["+", "="] },
  { action: "zoom_out", scope: "grading", keys: ["-"] },
  { action: "zoom_fit", scope: "grading", keys: ["0"] },
  { action: "take_lease", scope: "grading", keys: ["G"] },
  { action: "finalize", scope: "grading", keys: ["Ctrl+Enter"] },
  { action: "anonymous", scope: "grading", keys: ["N"] },
  { action: "help", scope: "grading", keys: ["?", "F1"] },
  { action: "score_focus", scope: "grading", keys: ["F"] },

  { action: "review_confirm", scope: "review", keys: ["Enter"] },
  { action: "review_move", scope: "review", keys: ["ArrowDown", "ArrowUp"] },
  { action: "review_force", scope: "review", keys: ["Ctrl+Enter"] },
  { action: "review_unknown", scope: "review", keys: ["Ctrl+U"] },
  { action: "review_skip", scope: "review", keys: ["Ctrl+ArrowRight"] },
  { action: "review_back", scope: "review", keys: ["Ctrl+ArrowLeft"] },

  { action: "bareme_save", scope: "bareme", keys: ["Ctrl+S"] },
  { action: "bareme_up", scope: "bareme", keys: ["Alt+ArrowUp"] },
  { action: "bareme_down", scope: "bareme", keys: ["Alt+ArrowDown"] },
  { action: "bareme_sibling", scope: "bareme", keys: ["Ctrl+Enter"] },
  { action: "bareme_child", scope: "bareme", keys: ["Alt+Enter"] },
  { action: "bareme_delete", scope: "bareme", keys: ["Ctrl+Delete"] },
];

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

/** An event as a canonical combination: modifiers Ctrl, Alt, Shift in that order, then the key. */
export function keyOf(e: KeyLike): string {
  let key = e.key;
  const digit = e.code && /^(Digit|Numpad)(\d)$/.exec(e.code);
  if (digit) key = digit[2];
  else if (e.code === "NumpadAdd") key = "+";
  else if (e.code === "NumpadSubtract") key = "-";
  else if (key === " ") key = "Space";
  else if (key.length === 1) key = key.toUpperCase();
  const printable = key.length === 1;
  const mods: string[] = [];
  if (e.ctrlKey || e.metaKey) mods.push("Ctrl");
  if (e.altKey) mods.push("Alt");
  // Shift is part of a printed character ("?", "+"), not a modifier of it, except with Ctrl/Alt.
  if (e.shiftKey && (!printable || mods.length > 0)) mods.push("Shift");
  return [...mods, key].join("+");
}

/** The action bound to an event in a scope (the screen's own shortcuts first, then global ones). */
export function actionFor(e: KeyLike, scope: Scope): string | null {
  const k = keyOf(e);
  const own = SHORTCUTS.find((s) => s.scope === scope && s.keys.includes(k));
  if (own) return own.action;
  return SHORTCUTS.find((s) => s.scope === "global" && s.keys.includes(k))?.action ?? null;
}

export function keysOf(action: string, scope?: Scope): string[] {
  return SHORTCUTS.find((s) => s.action === action && (!scope || s.scope === scope))?.keys ?? [];
}

/** "Ctrl+Shift+Z" shown with readable arrows. */
export function displayKey(k: string): string {
  return k
    .replace("ArrowRight", "→")
    .replace("ArrowLeft", "←")
    .replace("ArrowUp", "↑")
    .replace("ArrowDown", "↓")
    .replace("PageDown", "Pg↓")
    .replace("PageUp", "Pg↑");
}

/** A tooltip: label and first shortcut, "Stylo (P)". */
export function withKey(label: string, action: string, scope?: Scope): string {
  const k = keysOf(action, scope)[0];
  return k ? `${label} (${displayKey(k)})` : label;
}

/** Whether a key event comes from a field where typing must not trigger shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable) return true;
  if (tag === "INPUT") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "range"].includes(type);
  }
  return false;
}
