// Timestamps as the station stores them (RFC 3339, UTC) shown in the user's language
// and time zone; anything unreadable is shown as it came.

export function formatWhen(iso: string, locale: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    dateStyle: "short",
    timeStyle: "medium",
    timeZone,
  }).format(d);
}
