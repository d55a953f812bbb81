// Type-ahead over the roster for the review desk: accent- and case-insensitive matching
// of every typed word against a student's names, best matches first (a name that starts
// with the word beats one that only contains it; the matcher's candidates break ties).

export interface Named {
  id: string;
  last_name: string;
  first_name: string;
}

export function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** How well `query` matches a student: 0 when some word does not match at all. */
export function matchScore(s: Named, query: string): number {
  const words = fold(query).split(" ").filter(Boolean);
  if (words.length === 0) return 0;
  const names = fold(`${s.last_name} ${s.first_name}`).split(" ").filter(Boolean);
  const full = names.join(" ");
  let score = 0;
  for (const w of words) {
    if (names.some((n) => n === w)) score += 3;
    else if (names.some((n) => n.startsWith(w))) score += 2;
    else if (full.includes(w)) score += 1;
    else return 0;
  }
  // The last name typed first reads best.
  if (names[0]?.startsWith(words[0])) score += 0.5;
  return score;
}

/** Students matching `query`, best first; `boost` (id → 0..1) favours the matcher's candidates. */
export function searchStudents<T extends Named>(students: T[], query: string, limit = 8, boost: Map<string, number> = new Map()): T[] {
  return students
    .map((s) => ({ s, m: matchScore(s, query) }))
    .filter((x) => x.m > 0)
    .sort((a, b) => b.m + (boost.get(b.s.id) ?? 0) - (a.m + (boost.get(a.s.id) ?? 0)) || a.s.last_name.localeCompare(b.s.last_name, "fr"))
    .slice(0, limit)
    .map((x) => x.s);
}
