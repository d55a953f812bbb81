import { describe, expect, it } from "vitest";
import { actionFor, keyOf, SHORTCUTS, type Scope } from "./shortcuts";

describe("shortcut map", () => {
  it("binds no key twice within a scope, nor a screen key over a global one", () => {
    const seen = new Map<string, string>();
    for (const s of SHORTCUTS) {
      for (const k of s.keys) {
        const id = `${s.scope}:${k}`;
        expect(seen.has(id), `${k} bound to ${seen.get(id)} and ${s.action}`).toBe(false);
        seen.set(id, s.action);
      }
    }
    const global = SHORTCUTS.filter((s) => s.scope === "global").flatMap((s) => s.keys);
    for (const s of SHORTCUTS.filter((s) => s.scope !== "global")) {
      for (const k of s.keys) expect(global.includes(k), `${k} of ${s.action} shadows a global key`).toBe(false);
    }
  });
  it("has unique actions per scope", () => {
    const names = SHORTCUTS.map((s) => `${s.scope}:${s.action}`);
    expect(new Set(names).size).toBe(names.length);
  });
  it("writes keys canonically", () => {
    for (const s of SHORTCUTS) for (const k of s.keys) expect(k).toMatch(/^(Ctrl\+)?(Alt\+)?(Shift\+)?([A-Z0-9?+=\-]|[A-Z][A-Za-z0-9]+)$/);
  });
});

describe("reading events", () => {
  it("reads letters case-insensitively", () => {
    expect(keyOf({ key: "p" })).toBe("P");
    expect(actionFor({ key: "p" }, "grading")).toBe("tool_pen");
    expect(actionFor({ key: "P", shiftKey: true }, "grading")).toBe("tool_pen");
  });
  it("reads AZERTY digits by their physical key", () => {
    expect(actionFor({ key: "&", code: "Digit1" }, "grading")).toBe("tool_tick");
    expect(actionFor({ key: "é", code: "Digit2" }, "grading")).toBe("tool_cross");
    expect(actionFor({ key: "3", code: "Numpad3" }, "grading")).toBe("tool_question");
  });
  it("reads modifiers", () => {
    expect(actionFor({ key: "z", ctrlKey: true }, "grading")).toBe("undo");
    expect(actionFor({ key: "Z", ctrlKey: true, shiftKey: true }, "grading")).toBe("redo");
    expect(actionFor({ key: "z", metaKey: true }, "grading")).toBe("undo");
    expect(actionFor({ key: "?", shiftKey: true }, "grading")).toBe("help");
    expect(actionFor({ key: "&", code: "Digit1", altKey: true }, "review" as Scope)).toBe("nav_exams");
  });
  it("falls back to global shortcuts", () => {
    expect(actionFor({ key: "4", code: "Digit4", altKey: true }, "grading")).toBe("nav_bareme");
    expect(actionFor({ key: "q" }, "grading")).toBeNull();
  });
});
