// The station's commands, typed with the bindings generated from Rust (src/bindings,
// written by `cargo test` through ts-rs). One function per command of src-tauri; a
// failed command rejects with an AppError `{code, message}`.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AnnotationPatch } from "./bindings/AnnotationPatch";
import type { AppError } from "./bindings/AppError";
import type { Bareme } from "./bindings/Bareme";
import type { BaremeReport } from "./bindings/BaremeReport";
import type { Comment } from "./bindings/Comment";
import type { CopyView } from "./bindings/CopyView";
import type { Exam } from "./bindings/Exam";
import type { ExamOverview } from "./bindings/ExamOverview";
import type { ExamStats } from "./bindings/ExamStats";
import type { FlagAction } from "./bindings/FlagAction";
import type { GradingView } from "./bindings/GradingView";
import type { JobEvent } from "./bindings/JobEvent";
import type { Lease } from "./bindings/Lease";
import type { NewAnnotation } from "./bindings/NewAnnotation";
import type { NewComment } from "./bindings/NewComment";
import type { NewExam } from "./bindings/NewExam";
import type { PdfFile } from "./bindings/PdfFile";
import type { PdfOptions } from "./bindings/PdfOptions";
import type { Placement } from "./bindings/Placement";
import type { RankedCopy } from "./bindings/RankedCopy";
import type { ReviewItem } from "./bindings/ReviewItem";
import type { RosterImport } from "./bindings/RosterImport";
import type { Session } from "./bindings/Session";
import type { SyncEvent } from "./bindings/SyncEvent";
import type { SyncView } from "./bindings/SyncView";

export function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Any rejection as an AppError (a non-station failure becomes `internal`). */
export function asAppError(e: unknown): AppError {
  return isAppError(e) ? e : { code: "internal", message: String(e) };
}

export const api = {
  session: () => invoke<Session>("session"),
  cancelJob: (job: number) => invoke<void>("cancel_job", { job }),

  exams: () => invoke<Exam[]>("exams"),
  createExam: (exam: NewExam) => invoke<Exam>("create_exam", { new: exam }),
  examOverview: (examId: string) => invoke<ExamOverview>("exam_overview", { examId }),
  setExamAnonymous: (examId: string, anonymous: boolean) =>
    invoke<Exam>("set_exam_anonymous", { examId, anonymous }),
  importRoster: (examId: string, path: string, acceptPartial: boolean) =>
    invoke<RosterImport>("import_roster", { examId, path, acceptPartial }),
  writeLabels: (examId: string, path: string) => invoke<number>("write_labels", { examId, path }),

  startImport: (examId: string, files: string[], force = false) =>
    invoke<number>("start_import", { examId, files, force }),
  copies: (examId: string) => invoke<CopyView[]>("copies", { examId }),
  reviewQueue: (examId: string) => invoke<ReviewItem[]>("review_queue", { examId }),
  identify: (copyId: string, studentId: string | null, force = false) =>
    invoke<CopyView>("identify", { copyId, studentId, force }),
  resolveFlag: (copyId: string, index: number, action: FlagAction) =>
    invoke<CopyView>("resolve_flag", { copyId, index, action }),
  joinCopies: (into: string, from: string) => invoke<CopyView>("join_copies", { into, from }),

  bareme: (examId: string) => invoke<Bareme | null>("bareme", { examId }),
  setBareme: (examId: string, bareme: Bareme, force = false) =>
    invoke<BaremeReport>("set_bareme", { examId, bareme, force }),

  gradingView: (copyId: string) => invoke<GradingView>("grading_view", { copyId }),
  takeLease: (copyId: string) => invoke<GradingView>("take_lease", { copyId }),
  renewLease: (copyId: string, token: number) => invoke<Lease>("renew_lease", { copyId, token }),
  releaseLease: (copyId: string, token: number) =>
    invoke<GradingView>("release_lease", { copyId, token }),
  setPoints: (copyId: string, token: number, nodeId: string, points: number | null) =>
    invoke<GradingView>("set_points", { copyId, token, nodeId, points }),
  setRemark: (copyId: string, token: number, nodeId: string, remark: string | null) =>
    invoke<GradingView>("set_remark", { copyId, token, nodeId, remark }),
  setAppreciation: (copyId: string, token: number, text: string | null) =>
    invoke<GradingView>("set_appreciation", { copyId, token, text }),
  addAnnotation: (copyId: string, token: number, annotation: NewAnnotation) =>
    invoke<GradingView>("add_annotation", { copyId, token, annotation }),
  updateAnnotation: (
    copyId: string,
    token: number,
    id: string,
    version: number,
    patch: AnnotationPatch,
  ) => invoke<GradingView>("update_annotation", { copyId, token, id, version, patch }),
  deleteAnnotation: (copyId: string, token: number, id: string, version: number) =>
    invoke<GradingView>("delete_annotation", { copyId, token, id, version }),
  undo: (copyId: string, token: number) => invoke<GradingView>("undo", { copyId, token }),
  redo: (copyId: string, token: number) => invoke<GradingView>("redo", { copyId, token }),
  finalize: (copyId: string, token: number) => invoke<GradingView>("finalize", { copyId, token }),
  reopen: (copyId: string, reason: string | null) =>
    invoke<GradingView>("reopen", { copyId, reason }),

  comments: (examId: string) => invoke<Comment[]>("comments", { examId }),
  addComment: (comment: NewComment) => invoke<Comment>("add_comment", { new: comment }),
  applyComment: (copyId: string, token: number, commentId: string, place: Placement) =>
    invoke<GradingView>("apply_comment", { copyId, token, commentId, place }),

  stats: (examId: string, includeUngraded = false, bins = 10) =>
    invoke<ExamStats>("stats", { examId, includeUngraded, bins }),
  ranking: (examId: string, nodeId: string, includeUngraded = true) =>
    invoke<RankedCopy[]>("ranking", { examId, nodeId, includeUngraded }),

  exportCsv: (examId: string, path: string) => invoke<number>("export_csv", { examId, path }),
  exportPronote: (examId: string, coefficient: number, path: string) =>
    invoke<void>("export_pronote", { examId, coefficient, path }),
  exportCopyPdf: (copyId: string, options: PdfOptions, path: string) =>
    invoke<PdfFile>("export_copy_pdf", { copyId, options, path }),
  startExportPdf: (examId: string, dir: string, combined: string | null, options: PdfOptions) =>
    invoke<number>("start_export_pdf", { examId, dir, combined, options }),

  syncView: () => invoke<SyncView>("sync_view"),
  signIn: (server: string, login: string, password: string) =>
    invoke<SyncView>("sign_in", { server, login, password }),
  signOut: () => invoke<SyncView>("sign_out"),
  syncNow: () => invoke<SyncView>("sync_now"),
};

/** Each round of the background sync. */
export function onSync(handler: (e: SyncEvent) => void): Promise<UnlistenFn> {
  return listen<SyncEvent>("sync", (event) => handler(event.payload));
}

/** Job progress events (imports, exports). */
export function onJob(handler: (e: JobEvent) => void): Promise<UnlistenFn> {
  return listen<JobEvent>("job", (event) => handler(event.payload));
}

/** The URL of a page image at about `width` pixels (served by the `kpage` scheme). */
export function pageUrl(copyId: string, page: number, width: number): string {
  return `${kpageBase()}/${copyId}/${page}?w=${Math.round(width)}`;
}

/** The URL of a copy's header crop. */
export function headerUrl(copyId: string): string {
  return `${kpageBase()}/header/${copyId}`;
}

function kpageBase(): string {
  // WebKitGTK and macOS use the scheme itself; Windows' WebView2 maps it to http.
  return navigator.userAgent.includes("Windows") ? "http://kpage.localhost" : "kpage://localhost";
}
