// Toasts: errors from the station (code + message, shown with data-code) and short
// confirmations. Errors stay longer; every toast can be closed.

import { reactive } from "vue";
import type { AppError } from "../bindings/AppError";
import type { ErrorCode } from "../bindings/ErrorCode";
import { asAppError } from "../api";

export interface Toast {
  id: number;
  kind: "error" | "success" | "info";
  code?: ErrorCode;
  message: string;
  /** Optional i18n key of a line that says what to do. */
  hint?: string;
}

export const toasts = reactive<Toast[]>([]);
let next = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function push(t: Omit<Toast, "id">, ms: number): number {
  const id = next++;
  toasts.push({ id, ...t });
  while (toasts.length > 5) dismiss(toasts[0].id);
  timers.set(id, setTimeout(() => dismiss(id), ms));
  return id;
}

export function dismiss(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
  clearTimeout(timers.get(id));
  timers.delete(id);
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  lease_lost: "errors.hint.lease_lost",
  offline: "errors.hint.offline",
};

/**
 * Shows a failure; returns it as an AppError for the caller's own handling. `hints`
 * says what the screen did about some codes (i18n keys), over the general ones.
 */
export function reportError(e: unknown, hints: Partial<Record<ErrorCode, string>> = {}): AppError {
  const err = asAppError(e);
  if (err.code !== "cancelled") push({ kind: "error", code: err.code, message: err.message, hint: hints[err.code] ?? HINTS[err.code] }, 12000);
  return err;
}

export function notify(message: string, kind: "success" | "info" = "success"): void {
  push({ kind, message }, 4000);
}

/** Closes the error toasts (after the failure they told of was dealt with). */
export function clearErrors(): void {
  for (const t of toasts.filter((t) => t.kind === "error")) dismiss(t.id);
}
