// Small pure helpers for what screens show: paths typed one per line, file names,
// joining a folder and a name, the items listed in a station message, dates and times.

/**
 * Paths typed one per line (blank lines and surrounding quotes dropped). Two PDF paths
 * run together — a newline lost on the way, as some automation drivers do — are split
 * where ".pdf" is directly followed by the start of another absolute path.
 */
export function splitPaths(text: string): string[] {
  return text
    .split(/\r?\n|(?<=\.pdf)(?=\/|[A-Za-z]:\\|\\\\)/i)
    .map((l) => l.trim().replace(/^["']|["']$/g, "").trim())
    .filter((l) => l.length > 0);
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** `dir` + `name` with the folder's own separator. */
export function joinPath(dir: string, name: string): string {
  const sep = dir.includes("\\") && !dir.includes("/") ? "\\" : "/";
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** A file name from free text (an exam's name), keeping letters of any language. */
export function safeFileName(s: string): string {
  return (
    s
      .normalize("NFC")
      .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ")
      .replace(/\s+/g, "_")
      .replace(/^[._]+|[._]+$/g, "")
      .slice(0, 80) || "export"
  );
}

/**
 * The items a refusal lists after its colon ("… not scored yet: Ex 1 > 1.; Ex 2"), or
 * the message's lines after the first ("…:\nline 3: …\nline 7: …").
 */
export function listedItems(message: string): string[] {
  const lines = message.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines.length > 1) return lines.slice(1);
  const i = message.lastIndexOf(": ");
  if (i < 0) return [];
  return message
    .slice(i + 2)
    .split("; ")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The first line of a message (its summary). */
export function firstLine(message: string): string {
  return message.split("\n")[0];
}

/** ISO date → "12/03/2025" (fr) or "2025-03-12" (en). */
export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return locale.startsWith("fr") ? `${m[3]}/${m[2]}/${m[1]}` : `${m[1]}-${m[2]}-${m[3]}`;
}

/** An RFC 3339 time → "14:05" in local time. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** 0..1 → "87 %" (fr) or "87%" (en). */
export function formatPercent(v: number | null | undefined, locale: string): string {
  if (v == null) return "";
  const n = Math.round(v * 100);
  return locale.startsWith("fr") ? `${n}\u202f%` : `${n}%`;
}
