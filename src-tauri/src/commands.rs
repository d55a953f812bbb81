//! The window's commands: each forwards to one method of `korrigo_app::Station`; errors
//! reach the window as `{code, message}`.

use korrigo_app::{ExamOverview, GradingView, Session, Station, SyncView};
use korrigo_core::grading::{AnnotationPatch, Bareme, Lease, NewAnnotation, Points};
use korrigo_core::model::FlagAction;
use korrigo_core::store::{
    BaremeReport, Comment, CopyView, Exam, ExamStats, NewComment, NewExam, Placement, RankedCopy,
};
use korrigo_core::Error;
use korrigo_export::pdf::{PdfFile, PdfOptions};
use korrigo_station::review::ReviewItem;
use korrigo_station::roster::RosterImport;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

type S<'a> = State<'a, Arc<Station>>;
type R<T> = Result<T, Error>;

#[tauri::command]
fn session(s: S) -> R<Session> {
    s.session()
}
#[tauri::command]
fn cancel_job(s: S, job: u64) -> R<()> {
    s.cancel_job(job)
}
#[tauri::command]
fn exams(s: S) -> R<Vec<Exam>> {
    s.exams()
}
#[tauri::command]
fn create_exam(s: S, new: NewExam) -> R<Exam> {
    s.create_exam(&new)
}
#[tauri::command]
fn set_exam_anonymous(s: S, exam_id: String, anonymous: bool) -> R<Exam> {
    s.set_exam_anonymous(&exam_id, anonymous)
}
#[tauri::command]
fn exam_overview(s: S, exam_id: String) -> R<ExamOverview> {
    s.exam_overview(&exam_id)
}
#[tauri::command]
fn import_roster(s: S, exam_id: String, path: PathBuf, accept_partial: bool) -> R<RosterImport> {
    s.import_roster(&exam_id, &path, accept_partial)
}
#[tauri::command]
fn write_labels(s: S, exam_id: String, path: PathBuf) -> R<usize> {
    s.write_labels(&exam_id, &path)
}
#[tauri::command]
fn start_import(s: S, exam_id: String, files: Vec<PathBuf>, force: bool) -> R<u64> {
    s.start_import(&exam_id, files, force)
}
#[tauri::command]
fn copies(s: S, exam_id: String) -> R<Vec<CopyView>> {
    s.copies(&exam_id)
}
#[tauri::command]
fn review_queue(s: S, exam_id: String) -> R<Vec<ReviewItem>> {
    s.review_queue(&exam_id)
}
#[tauri::command]
fn identify(s: S, copy_id: String, student_id: Option<String>, force: bool) -> R<CopyView> {
    s.identify(&copy_id, student_id.as_deref(), force)
}
#[tauri::command]
fn resolve_flag(s: S, copy_id: String, index: usize, action: FlagAction) -> R<CopyView> {
    s.resolve_flag(&copy_id, index, action)
}
#[tauri::command]
fn join_copies(s: S, into: String, from: String) -> R<CopyView> {
    s.join(&into, &from)
}
#[tauri::command]
fn bareme(s: S, exam_id: String) -> R<Option<Bareme>> {
    s.bareme(&exam_id)
}
#[tauri::command]
fn set_bareme(s: S, exam_id: String, bareme: Bareme, force: bool) -> R<BaremeReport> {
    s.set_bareme(&exam_id, bareme, force)
}
#[tauri::command]
fn grading_view(s: S, copy_id: String) -> R<GradingView> {
    s.grading_view(&copy_id)
}
#[tauri::command]
fn take_lease(s: S, copy_id: String) -> R<GradingView> {
    s.take_lease(&copy_id)
}
#[tauri::command]
fn renew_lease(s: S, copy_id: String, token: i64) -> R<Lease> {
    s.renew_lease(&copy_id, token)
}
#[tauri::command]
fn release_lease(s: S, copy_id: String, token: i64) -> R<GradingView> {
    s.release_lease(&copy_id, token)
}
#[tauri::command]
fn set_points(
    s: S,
    copy_id: String,
    token: i64,
    node_id: String,
    points: Option<Points>,
) -> R<GradingView> {
    s.set_points(&copy_id, token, &node_id, points)
}
#[tauri::command]
fn set_remark(
    s: S,
    copy_id: String,
    token: i64,
    node_id: String,
    remark: Option<String>,
) -> R<GradingView> {
    s.set_remark(&copy_id, token, &node_id, remark)
}
#[tauri::command]
fn set_appreciation(s: S, copy_id: String, token: i64, text: Option<String>) -> R<GradingView> {
    s.set_appreciation(&copy_id, token, text)
}
#[tauri::command]
fn add_annotation(s: S, copy_id: String, token: i64, annotation: NewAnnotation) -> R<GradingView> {
    s.add_annotation(&copy_id, token, annotation)
}
#[tauri::command]
fn update_annotation(
    s: S,
    copy_id: String,
    token: i64,
    id: String,
    version: i64,
    patch: AnnotationPatch,
) -> R<GradingView> {
    s.update_annotation(&copy_id, token, &id, version, patch)
}
#[tauri::command]
fn delete_annotation(
    s: S,
    copy_id: String,
    token: i64,
    id: String,
    version: i64,
) -> R<GradingView> {
    s.delete_annotation(&copy_id, token, &id, version)
}
#[tauri::command]
fn undo(s: S, copy_id: String, token: i64) -> R<GradingView> {
    s.undo(&copy_id, token)
}
#[tauri::command]
fn redo(s: S, copy_id: String, token: i64) -> R<GradingView> {
    s.redo(&copy_id, token)
}
#[tauri::command]
fn finalize(s: S, copy_id: String, token: i64) -> R<GradingView> {
    s.finalize(&copy_id, token)
}
#[tauri::command]
fn reopen(s: S, copy_id: String, reason: Option<String>) -> R<GradingView> {
    s.reopen(&copy_id, reason.as_deref())
}
#[tauri::command]
fn comments(s: S, exam_id: String) -> R<Vec<Comment>> {
    s.comments(&exam_id)
}
#[tauri::command]
fn add_comment(s: S, new: NewComment) -> R<Comment> {
    s.add_comment(new)
}
#[tauri::command]
fn apply_comment(
    s: S,
    copy_id: String,
    token: i64,
    comment_id: String,
    place: Placement,
) -> R<GradingView> {
    s.apply_comment(&copy_id, token, &comment_id, &place)
}
#[tauri::command]
fn stats(s: S, exam_id: String, include_ungraded: bool, bins: usize) -> R<ExamStats> {
    s.stats(&exam_id, include_ungraded, bins)
}
#[tauri::command]
fn ranking(s: S, exam_id: String, node_id: String, include_ungraded: bool) -> R<Vec<RankedCopy>> {
    s.ranking(&exam_id, &node_id, include_ungraded)
}
#[tauri::command]
fn export_csv(s: S, exam_id: String, path: PathBuf) -> R<usize> {
    s.export_csv(&exam_id, &path)
}
#[tauri::command]
fn export_pronote(s: S, exam_id: String, coefficient: f64, path: PathBuf) -> R<()> {
    s.export_pronote(&exam_id, coefficient, &path)
}
#[tauri::command]
fn export_copy_pdf(s: S, copy_id: String, options: PdfOptions, path: PathBuf) -> R<PdfFile> {
    s.export_copy_pdf(&copy_id, options, &path)
}
#[tauri::command]
fn start_export_pdf(
    s: S,
    exam_id: String,
    dir: PathBuf,
    combined: Option<PathBuf>,
    options: PdfOptions,
) -> R<u64> {
    s.start_export_pdf(&exam_id, dir, combined, options)
}

#[tauri::command]
fn sync_view(s: S) -> R<SyncView> {
    s.sync_view()
}
#[tauri::command(async)]
fn sign_in(s: S, server: String, login: String, password: String) -> R<SyncView> {
    s.sign_in(&server, &login, &password)
}
#[tauri::command(async)]
fn sign_out(s: S) -> R<SyncView> {
    s.sign_out()
}
#[tauri::command]
fn sync_now(s: S) -> R<SyncView> {
    s.sync_now()
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        session,
        cancel_job,
        exams,
        create_exam,
        exam_overview,
        set_exam_anonymous,
        import_roster,
        write_labels,
        start_import,
        copies,
        review_queue,
        identify,
        resolve_flag,
        join_copies,
        bareme,
        set_bareme,
        grading_view,
        take_lease,
        renew_lease,
        release_lease,
        set_points,
        set_remark,
        set_appreciation,
        add_annotation,
        update_annotation,
        delete_annotation,
        undo,
        redo,
        finalize,
        reopen,
        comments,
        add_comment,
        apply_comment,
        stats,
        ranking,
        export_csv,
        export_pronote,
        export_copy_pdf,
        start_export_pdf,
        sync_view,
        sign_in,
        sign_out,
        sync_now,
    ]
}
