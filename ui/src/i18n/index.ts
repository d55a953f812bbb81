// The window's languages: French first (default), English second; the choice is kept
// in localStorage and mirrored on <html lang>.

import { createI18n } from "vue-i18n";
import fr from "./fr";
import en from "./en";

export type Locale = "fr" | "en";
export const LOCALES: Locale[] = ["fr", "en"];
const KEY = "korrigo.locale";

function stored(): Locale {
  try {
    const v = localStorage.getItem(KEY);
    return v === "en" ? "en" : "fr";
  } catch {
    return "fr";
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: stored(),
  fallbackLocale: "fr",
  messages: { fr, en },
  missingWarn: false,
  fallbackWarn: false,
});

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}

export function setLocale(l: Locale): void {
  i18n.global.locale.value = l;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    /* private mode: the choice lasts the session */
  }
  document.documentElement.lang = l;
}

export const t = (key: string, named?: Record<string, unknown>): string => (named ? i18n.global.t(key, named) : i18n.global.t(key));
