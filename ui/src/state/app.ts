// The window's shared state: who is at the station, the exams, the current exam and its
// overview (students, copies), the screen shown, and the anonymous mode per exam.

import { reactive } from "vue";
import type { CopyView } from "../bindings/CopyView";
import type { Exam } from "../bindings/Exam";
import type { ExamOverview } from "../bindings/ExamOverview";
import type { Session } from "../bindings/Session";
import { api } from "../api";
import { reportError } from "./toasts";

export type ScreenId =
  | "exams"
  | "import"
  | "review"
  | "bareme"
  | "grading"
  | "stats"
  | "export"
  | "sync";
export const SCREENS: ScreenId[] = [
  "exams",
  "import",
  "review",
  "bareme",
  "grading",
  "stats",
  "export",
  "sync",
];

const EXAM_KEY = "korrigo.exam";
const ANON_KEY = (exam: string) => `korrigo.anonymous.${exam}`;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    /* storage unavailable: state lasts the session */
  }
}

export const app = reactive({
  screen: "exams" as ScreenId,
  session: null as Session | null,
  exams: [] as Exam[],
  examsLoaded: false,
  examId: read(EXAM_KEY),
  overview: null as ExamOverview | null,
  /** A copy the grading desk should open (set by links from other screens). */
  openCopy: null as string | null,
  anonymous: {} as Record<string, boolean>,
});

export function go(screen: ScreenId, opts: { copy?: string } = {}): void {
  if (opts.copy) app.openCopy = opts.copy;
  app.screen = screen;
}

export async function loadSession(): Promise<void> {
  try {
    app.session = await api.session();
  } catch (e) {
    reportError(e);
  }
}

export async function loadExams(): Promise<void> {
  try {
    app.exams = await api.exams();
    app.examsLoaded = true;
    if (app.examId && !app.exams.some((e) => e.id === app.examId)) selectExam(null);
    else if (app.examId && !app.overview) await refreshOverview();
  } catch (e) {
    reportError(e);
  }
}

export async function selectExam(id: string | null): Promise<void> {
  if (id === app.examId && app.overview) return;
  app.examId = id;
  app.overview = null;
  write(EXAM_KEY, id);
  if (id) await refreshOverview();
}

export async function refreshOverview(): Promise<void> {
  const id = app.examId;
  if (!id) return;
  try {
    const o = await api.examOverview(id);
    if (app.examId === id) app.overview = o;
  } catch (e) {
    reportError(e);
  }
}

/** Replaces one copy in the overview (after a write that returned it). */
export function patchCopy(copy: CopyView): void {
  const o = app.overview;
  if (!o || o.exam.id !== copy.exam_id) return;
  const i = o.copies.findIndex((c) => c.id === copy.id);
  if (i >= 0) o.copies[i] = copy;
  else o.copies.push(copy);
  const count = (s: CopyView["status"]) => o.copies.filter((c) => c.status === s).length;
  o.needs_review = count("needs_review");
  o.ready = count("ready");
  o.leased = count("leased");
  o.graded = count("graded");
}

export function currentExam(): Exam | null {
  return app.overview?.exam ?? app.exams.find((e) => e.id === app.examId) ?? null;
}

/** The exam hides identities from this user (an anonymous exam, seen by a teacher). */
export function anonymityForced(examId: string | null = app.examId): boolean {
  const exam = app.overview?.exam.id === examId ? app.overview?.exam : app.exams.find((e) => e.id === examId);
  return !!exam?.anonymous && app.session?.role === "teacher";
}

export function isAnonymous(examId: string | null = app.examId): boolean {
  if (!examId) return false;
  if (anonymityForced(examId)) return true;
  return app.anonymous[examId] ?? read(ANON_KEY(examId)) === "1";
}

export function setAnonymous(value: boolean, examId: string | null = app.examId): void {
  if (!examId) return;
  app.anonymous[examId] = value;
  write(ANON_KEY(examId), value ? "1" : "0");
}
