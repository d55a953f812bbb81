// Points as graders type and read them: parsing "2,5" or "2.5", checking a score against
// its leaf (bounds and step), and writing points the French way ("2,5", "−0,5").

export type Step = 1 | 0.5 | 0.25;
export const STEPS: readonly Step[] = [1, 0.5, 0.25];

const EPS = 1e-9;

/** A typed number ("2,5", " 2.5 ", "+1", "-0,25"); null for an empty field, NaN when unreadable. */
export function parseNumber(text: string): number | null {
  const s = text.trim().replace(/\s+/g, "").replace("\u2212", "-");
  if (s === "") return null;
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(s)) return NaN;
  return Number(s.replace(",", "."));
}

/** Whether `v` is a whole number of `step`s. */
export function isMultipleOf(v: number, step: number): boolean {
  const n = v / step;
  return Math.abs(n - Math.round(n)) < EPS;
}

export type ScoreCheck =
  | { ok: true; value: number | null }
  | { ok: false; reason: "nan" | "negative" | "over_max" | "step" };

/** Reads a leaf's score: empty clears it; otherwise 0 ≤ x ≤ max and a multiple of the step. */
export function checkScore(text: string, max: number, step: number): ScoreCheck {
  const v = parseNumber(text);
  if (v === null) return { ok: true, value: null };
  if (Number.isNaN(v)) return { ok: false, reason: "nan" };
  if (v < 0) return { ok: false, reason: "negative" };
  if (v > max + EPS) return { ok: false, reason: "over_max" };
  if (!isMultipleOf(v, step)) return { ok: false, reason: "step" };
  return { ok: true, value: Math.round(v * 4) / 4 };
}

export type DeltaCheck = { ok: true; value: number } | { ok: false; reason: "nan" | "zero" | "step" | "over_max" };

/** A score stamp's delta: non-zero, a multiple of the leaf's step, at most its maximum. */
export function checkDelta(v: number, max: number, step: number): DeltaCheck {
  if (!Number.isFinite(v)) return { ok: false, reason: "nan" };
  if (Math.abs(v) < EPS) return { ok: false, reason: "zero" };
  if (!isMultipleOf(v, step)) return { ok: false, reason: "step" };
  if (Math.abs(v) > max + EPS) return { ok: false, reason: "over_max" };
  return { ok: true, value: v };
}

/** A barème maximum: above 0 and a multiple of its step. */
export function checkMax(text: string, step: number): { ok: true; value: number } | { ok: false; reason: "nan" | "positive" | "step" } {
  const v = parseNumber(text);
  if (v === null || Number.isNaN(v)) return { ok: false, reason: "nan" };
  if (v <= 0) return { ok: false, reason: "positive" };
  if (!isMultipleOf(v, step)) return { ok: false, reason: "step" };
  return { ok: true, value: v };
}

/** Points with at most two decimals and no trailing zeros; French comma unless `locale` is English. */
export function formatPoints(v: number, locale: string = "fr"): string {
  const r = Math.round(v * 100) / 100;
  let s = String(Math.abs(r));
  if (s.includes("e")) s = Math.abs(r).toFixed(2).replace(/\.?0+$/, "");
  const sign = r < 0 ? "\u2212" : "";
  return sign + (locale.startsWith("en") ? s : s.replace(".", ","));
}

/** A score stamp's label as the exported PDF writes it: "+1", "−0,5" (always French). */
export function signedPoints(v: number): string {
  const abs = formatPoints(Math.abs(v), "fr");
  return (v < 0 ? "\u2212" : "+") + abs;
}

/** The next value of a ± delta when stepping by `step`, skipping zero. */
export function stepDelta(v: number, step: number, dir: 1 | -1, max: number): number {
  let n = Math.round((v + dir * step) * 4) / 4;
  if (Math.abs(n) < EPS) n = dir * step;
  if (Math.abs(n) > max) n = Math.sign(n) * Math.floor(max / step) * step;
  return n;
}
