//! Runs one parsed command against the station's store, through the same functions the
//! desktop app calls.

use crate::args::{
    Cli, Command, ExamCommand, FlagActionArg, ImportArgs, ModeArg, PageCommand, RosterCommand,
};
use crate::grading;
use crate::output::{self, Bar};
use korrigo_core::model::{Flag, FlagAction};
use korrigo_core::store::{CopyView, NewExam, Store};
use korrigo_core::{Error, Result};
use korrigo_ingest::Mode;
use korrigo_station::import::{ImportRequest, ImportSummary};
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub fn run(cli: Cli) -> Result<()> {
    if crate::sync::handles(&cli.command) {
        return crate::sync::run(cli);
    }
    let data_dir = crate::sync::data_dir(cli.data_dir)?;
    let mut store = Store::open_as(&data_dir, cli.user.as_deref())?;
    let as_json = cli.json;
    match cli.command {
        Command::Exam(ExamCommand::Create {
            name,
            pages_per_copy,
            date,
            subject,
        }) => {
            let exam = korrigo_station::exam::create(
                &mut store,
                &NewExam {
                    name,
                    date,
                    subject,
                    pages_per_copy,
                },
            )?;
            if as_json {
                output::json(&json!({ "id": exam.id }));
            } else {
                println!("{}", exam.id);
            }
        }
        Command::Exam(ExamCommand::Anonymous { exam, on }) => {
            let exam = store.set_exam_anonymous(&exam, on)?;
            if as_json {
                output::json(&exam);
            } else {
                println!(
                    "{}: {}",
                    exam.name,
                    if exam.anonymous {
                        "anonymous grading"
                    } else {
                        "named grading"
                    }
                );
            }
        }
        Command::Exam(ExamCommand::List) => {
            let exams = korrigo_station::exam::list(&store)?;
            if as_json {
                output::json(&exams);
            } else {
                for e in exams {
                    println!(
                        "{}  {}  {}",
                        e.id,
                        e.date.as_deref().unwrap_or("----------"),
                        e.name
                    );
                }
            }
        }
        Command::Roster(RosterCommand::Import {
            exam,
            file,
            accept_partial,
        }) => {
            let r = korrigo_station::roster::import(&mut store, &exam, &file, accept_partial)?;
            if as_json {
                output::json(&r);
            } else {
                println!(
                    "{} students ({} added, {} updated, {} unchanged)",
                    r.students, r.added, r.updated, r.unchanged
                );
                for e in &r.rejected {
                    println!("  line {} skipped: {}", e.line, e.message);
                }
            }
        }
        Command::Import(args) => import(&mut store, args, as_json)?,
        Command::Copies { exam } => {
            let copies = store.copies(&exam)?;
            if as_json {
                output::json(&copies);
            } else {
                print_copies(&copies);
            }
        }
        Command::Labels { exam, output } => {
            let n = korrigo_station::labels::write(&store, &exam, &output)?;
            if as_json {
                output::json(&json!({ "labels": n, "path": output }));
            } else {
                println!("{n} labels in {}", output.display());
            }
        }
        Command::Review { exam } => {
            let items = korrigo_station::review::list(&store, &exam)?;
            if as_json {
                output::json(&items);
            } else {
                for item in &items {
                    print_copies(std::slice::from_ref(&item.copy));
                    for c in &item.copy.candidates {
                        println!(
                            "       candidate {:.3}  {} {}  {}",
                            c.score,
                            c.last_name,
                            c.first_name,
                            c.email.as_deref().unwrap_or("")
                        );
                    }
                    if let Some(p) = &item.header_crop_path {
                        println!("       header: {}", p.display());
                    }
                }
            }
        }
        Command::Join { copy, into } => {
            let joined = korrigo_station::review::join(&mut store, &into, &copy)?;
            if as_json {
                output::json(&joined);
            } else {
                print_copies(std::slice::from_ref(&joined));
            }
        }
        Command::Resolve { copy, flag, action } => {
            let action = match action {
                FlagActionArg::Confirm => FlagAction::Confirmed,
                FlagActionArg::Turn => FlagAction::Turned,
                FlagActionArg::Drop => FlagAction::Dropped,
            };
            if flag == 0 {
                return Err(Error::validation("flags are numbered from 1"));
            }
            store.resolve_flag(&copy, flag - 1, action)?;
            let copy = store.copy(&copy)?;
            if as_json {
                output::json(&copy);
            } else {
                print_copies(std::slice::from_ref(&copy));
            }
        }
        Command::Identify {
            copy,
            student,
            none: _,
            force,
        } => {
            let copy =
                korrigo_station::review::identify(&mut store, &copy, student.as_deref(), force)?;
            if as_json {
                output::json(&copy);
            } else {
                print_copies(std::slice::from_ref(&copy));
            }
        }
        Command::Page(PageCommand::Render {
            copy,
            page,
            dpi,
            output,
        }) => {
            korrigo_station::page::render_to_png(&store, &copy, page, dpi, &output)?;
            if as_json {
                output::json(&json!({ "path": output }));
            } else {
                println!("{}", output.display());
            }
        }
        Command::User(c) => grading::user(&mut store, c, as_json)?,
        Command::Bareme(c) => grading::bareme(&mut store, c, as_json)?,
        Command::Lease(c) => grading::lease(&mut store, c, as_json)?,
        Command::Score(c) => grading::score(&mut store, c, as_json)?,
        Command::Appreciation(c) => grading::appreciation(&mut store, c, as_json)?,
        Command::Annotate(c) => grading::annotate(&mut store, c, as_json)?,
        Command::Comments(c) => grading::comments(&mut store, c, as_json)?,
        Command::Finalize { held } => {
            grading::finalize(&mut store, &held.copy, held.token, as_json)?
        }
        Command::Reopen { copy, reason } => {
            grading::reopen(&mut store, &copy, reason.as_deref(), as_json)?
        }
        Command::Dispatch(c) => grading::dispatch(&mut store, c, as_json)?,
        Command::Stats(args) => grading::stats(&store, args, as_json)?,
        Command::Export(c) => crate::export::run(&store, c, as_json)?,
        Command::Grade { script } => crate::script::run(&mut store, &script)?,
        Command::Login { .. } | Command::Logout | Command::Profile(_) | Command::Sync { .. } => {
            unreachable!("handled by crate::sync")
        }
    }
    Ok(())
}

fn import(store: &mut Store, args: ImportArgs, as_json: bool) -> Result<()> {
    let mode = match args.mode {
        ModeArg::Auto => Mode::Auto,
        ModeArg::A3 => Mode::A3,
        ModeArg::A4 => Mode::A4,
    };
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = Arc::clone(&cancel);
        let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    }
    let bar = Bar::new();
    let request = ImportRequest {
        exam_id: args.exam,
        files: args.files,
        mode,
        force: args.force,
        read_headers: !args.no_ocr,
    };
    let result = korrigo_station::import::import(
        store,
        &request,
        &|label, done, total| bar.update(label, done, total),
        &cancel,
    );
    bar.finish();
    let summary: ImportSummary = result?;
    if as_json {
        output::json(&summary);
    } else {
        println!(
            "{} copies, {} pages: {} ready, {} to review",
            summary.copies, summary.pages, summary.ready, summary.needs_review
        );
        for f in &summary.flags {
            println!("  {} {}", short(&f.copy), describe(&f.flag));
        }
    }
    Ok(())
}

fn print_copies(copies: &[CopyView]) {
    for c in copies {
        let how = match (c.identified_by, c.confidence) {
            (Some(by), Some(conf)) => format!(" ({} {conf:.2})", by.as_str()),
            (Some(by), None) => format!(" ({})", by.as_str()),
            _ => String::new(),
        };
        let who = match (&c.student, c.unknown_writer) {
            (Some(s), _) => format!("{} {}{how}", s.last_name, s.first_name),
            (None, true) => "(not on the roster)".to_string(),
            (None, false) => "(unidentified)".to_string(),
        };
        println!(
            "#{:<3} {}  {:<12} {:<40} {} pages",
            c.seq,
            short(&c.id),
            c.status.as_str(),
            who,
            c.pages.len()
        );
        for f in &c.flags {
            println!("       {}", describe(f));
        }
    }
}

fn describe(f: &Flag) -> String {
    let kind = serde_json::to_value(f.kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    match &f.resolved {
        Some(r) => format!(
            "[{kind}] {} (settled by {}: {:?})",
            f.message, r.by, r.action
        ),
        None => format!("[{kind}] {}", f.message),
    }
}

fn short(id: &str) -> &str {
    &id[id.len().saturating_sub(8)..]
}

/// The station's default data directory (the default profile's).
pub fn default_data_dir(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(d) = given {
        return Ok(d);
    }
    directories::ProjectDirs::from("org", "Korrigo", "Korrigo Station")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::validation(
                "no home directory to keep the station's data in: pass --data-dir DIR",
            )
        })
}
