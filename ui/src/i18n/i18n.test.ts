import { baseCompile } from "@intlify/message-compiler";
import { describe, expect, it } from "vitest";
import fr from "./fr";
import en from "./en";
import { SHORTCUTS } from "../lib/shortcuts";

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const frKeys = flatten(fr as unknown as Tree);
const enKeys = flatten(en as unknown as Tree);

/** Every source of the window (not the tests, not the generated bindings), as text. */
const SOURCES = import.meta.glob(["../**/*.vue", "../**/*.ts", "!../**/*.test.ts", "!../bindings/**"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("messages", () => {
  it("have the same keys in French and English", () => {
    expect([...enKeys.keys()].sort()).toEqual([...frKeys.keys()].sort());
  });

  it("have no empty strings", () => {
    for (const [k, v] of [...frKeys, ...enKeys]) expect(v.trim(), k).not.toBe("");
  });

  it("use the same placeholders in both languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of frKeys) expect(names(enKeys.get(k) ?? ""), k).toEqual(names(v));
  });

  it("compile without errors and hold no special characters by mistake", () => {
    for (const [k, v] of [...frKeys, ...enKeys]) {
      const errors: string[] = [];
      baseCompile(v, { onError: (e) => errors.push(e.message) });
      expect(errors, `${k}: ${v}`).toEqual([]);
      expect(v, k).not.toMatch(/[@|$]/);
    }
  });

  it("cover every key the sources use", () => {
    const used = new Set<string>();
    expect(Object.keys(SOURCES).length).toBeGreaterThan(20);
    // Keys passed to t() and any literal naming a key of a known group ("errors.hint.conflict").
    const groups = Object.keys(fr).join("|");
    // (Not template attributes, whose values are code: v-if="app.overview".)
    const literal = new RegExp(`(?<!=)["'\`]((?:${groups})\\.[\\w.]*\\w)["'\`]`, "g");
    for (const text of Object.values(SOURCES)) {
      for (const m of text.matchAll(/\bt\(\s*["'`]([a-zA-Z][\w.]*)["'`]/g)) used.add(m[1]);
      for (const m of text.matchAll(literal)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    for (const k of ["exams.roster.import", "export.csvDone", "errors.hint.conflict"]) expect(used.has(k), k).toBe(true);
    const missing = [...used].filter((k) => !frKeys.has(k));
    expect(missing).toEqual([]);
  });

  it("name every shortcut in the help", () => {
    for (const s of SHORTCUTS) expect(frKeys.has(`shortcuts.${s.action}`), s.action).toBe(true);
  });

  it("cover the dynamic key families", () => {
    const families: Record<string, string[]> = {
      "errors.code": ["validation", "not_found", "conflict", "lease_lost", "offline", "unauthorized", "corrupt_input", "cancelled", "internal"],
      status: ["staging", "needs_review", "ready", "leased", "graded"],
      flags: ["blank_page", "missing_verso", "duplicate_scan", "page_count", "header_not_found", "upside_down", "same_student_as_previous"],
      identifiedBy: ["qr", "ocr", "manual"],
      "jobs.state": ["running", "done", "failed", "cancelled"],
      tools: ["pen", "highlighter", "line", "arrow", "rect", "ellipse", "text", "select", "tick", "cross", "question", "custom", "score", "comment"],
      "toolOptions.hint": ["select", "tick", "cross", "question"],
      "grading.scoreError": ["nan", "negative", "over_max", "step"],
      nav: ["exams", "import", "review", "bareme", "grading", "stats", "export"],
      roles: ["admin", "teacher", "operator"],
    };
    for (const [prefix, keys] of Object.entries(families)) for (const k of keys) expect(frKeys.has(`${prefix}.${k}`), `${prefix}.${k}`).toBe(true);
  });
});
