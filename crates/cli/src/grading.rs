//! Runs the grading subcommands against the store, through the functions the desktop
//! calls. Every change is committed before its result is printed.

use crate::grading_args::{
    AnnotateCommand, AppreciationCommand, BaremeCommand, CommentsCommand, DispatchCommand,
    LeaseCommand, ScoreCommand, StatsArgs, UserCommand,
};
use crate::output;
use korrigo_core::grading::annotation::Pt;
use korrigo_core::grading::dispatch::Plan;
use korrigo_core::grading::{AnnotationPatch, Bareme, Edit, NewAnnotation, Points, Shape, Style};
use korrigo_core::store::{CommentScope, NewComment, Placement, Reassign, Role, Store};
use korrigo_core::{Error, Result};
use serde::de::DeserializeOwned;
use serde_json::json;
use time::Duration;

fn parse_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::validation(format!("{what}: {e}")))
}

fn print_or<T: serde::Serialize>(as_json: bool, value: &T, human: impl FnOnce()) {
    if as_json {
        output::json(value);
    } else {
        human();
    }
}

fn minutes(m: i64) -> Result<Duration> {
    if !(1..=7 * 24 * 60).contains(&m) {
        return Err(Error::validation(
            "a lease lasts from 1 minute to 7 days (--ttl-minutes)",
        ));
    }
    Ok(Duration::minutes(m))
}

pub fn user(store: &mut Store, cmd: UserCommand, as_json: bool) -> Result<()> {
    match cmd {
        UserCommand::Add { name, role } => {
            let role = Role::parse(&role).expect("clap checks the role");
            store.set_user(&name, role)?;
            print_or(as_json, &json!({ "name": name, "role": role }), || {
                println!("{name}: {}", role.as_str())
            });
        }
        UserCommand::List => {
            let users = store.users()?;
            print_or(as_json, &users, || {
                for u in &users {
                    println!("{:<20} {}", u.name, u.role.as_str());
                }
            });
        }
    }
    Ok(())
}

pub fn bareme(store: &mut Store, cmd: BaremeCommand, as_json: bool) -> Result<()> {
    let report = match cmd {
        BaremeCommand::Set { exam, file, force } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Error::validation(format!("cannot read {}: {e}", file.display())))?;
            let b = Bareme::from_json(&text, &file.display().to_string())?;
            store.set_bareme(&exam, b, force)?
        }
        BaremeCommand::Show { exam } => store.bareme_report(&exam)?,
    };
    print_or(as_json, &report, || {
        println!(
            "barème v{} of exam {}: {} points",
            report.version, report.exam_id, report.max_total
        );
        for (node, depth) in report.bareme.nodes_in_order() {
            let max = report.bareme.max_of(&node.id);
            println!(
                "{}{:<width$} {:>6}  {}",
                "  ".repeat(depth - 1),
                node.label,
                max.to_string(),
                node.id,
                width = 40 - 2 * (depth - 1)
            );
        }
        for o in &report.over_max {
            println!(
                "  ! copy #{} {}: {} above the maximum {}",
                o.copy_seq, o.title, o.points, o.max
            );
        }
        for n in &report.orphaned {
            println!("  ! scores kept aside on removed node {n}");
        }
    });
    Ok(())
}

pub fn lease(store: &mut Store, cmd: LeaseCommand, as_json: bool) -> Result<()> {
    let lease = match cmd {
        LeaseCommand::Take { copy, ttl_minutes } => {
            store.take_lease(&copy, minutes(ttl_minutes)?)?
        }
        LeaseCommand::Renew { held, ttl_minutes } => {
            store.renew_lease(&held.copy, held.token, minutes(ttl_minutes)?)?
        }
        LeaseCommand::Release { held } => store.release_lease(&held.copy, held.token)?,
        LeaseCommand::ForceRelease { copy, reason } => {
            store.force_release_lease(&copy, reason.as_deref())?
        }
        LeaseCommand::Show { copy } => store
            .lease(&copy)?
            .ok_or_else(|| Error::not_found(format!("copy {copy} has never been leased")))?,
    };
    print_or(as_json, &lease, || {
        println!(
            "token {}  {}  {} at {}  until {}",
            lease.token,
            lease.state.as_str(),
            lease.holder.user,
            lease.holder.station,
            korrigo_core::store::format_time(lease.expires_at)
        )
    });
    Ok(())
}

fn print_grade(store: &Store, copy: &str, as_json: bool) -> Result<()> {
    let g = store.grade(copy)?;
    let appreciation = store.appreciation(copy)?;
    print_or(
        as_json,
        &json!({ "copy_id": copy, "grade": g, "appreciation": appreciation }),
        || {
            for n in &g.nodes {
                let pts = n.points.map_or("-".to_string(), |p| p.to_string());
                let flag = if n.over_max {
                    "  (above the maximum)"
                } else {
                    ""
                };
                println!(
                    "{}{:<width$} {:>6} / {:<6}{flag}",
                    "  ".repeat(n.depth - 1),
                    n.label,
                    pts,
                    n.max.to_string(),
                    width = 40 - 2 * (n.depth - 1)
                );
                if let Some(r) = &n.remark {
                    println!("{}  « {r} »", "  ".repeat(n.depth - 1));
                }
            }
            println!("total {} / {}  ({:.2}/20)", g.total, g.max_total, g.on_20);
            if let Some(a) = &appreciation {
                println!("appreciation: {a}");
            }
            if !g.missing.is_empty() {
                println!("not scored: {}", g.missing.join("; "));
            }
        },
    );
    Ok(())
}

pub fn score(store: &mut Store, cmd: ScoreCommand, as_json: bool) -> Result<()> {
    match cmd {
        ScoreCommand::Set {
            held,
            node,
            points,
            clear,
            remark,
            clear_remark,
        } => {
            if points.is_some() || clear {
                let p = points.map(|p| Points::parse(&p, "--points")).transpose()?;
                store.set_points(&held.copy, held.token, &node, p)?;
            }
            if remark.is_some() || clear_remark {
                store.set_remark(&held.copy, held.token, &node, remark)?;
            }
            print_grade(store, &held.copy, as_json)
        }
        ScoreCommand::Show { copy } => print_grade(store, &copy, as_json),
    }
}

pub fn appreciation(store: &mut Store, cmd: AppreciationCommand, as_json: bool) -> Result<()> {
    let AppreciationCommand::Set { held, text } = cmd;
    let edit = store.set_appreciation(&held.copy, held.token, Some(text))?;
    print_edit(&edit, as_json);
    Ok(())
}

fn print_edit(edit: &Edit, as_json: bool) {
    print_or(as_json, edit, || match edit {
        Edit::Annotation { after, .. } => println!(
            "{} {} on page {} (version {}{})",
            after.id,
            after.shape.kind(),
            after.page,
            after.version,
            if after.deleted { ", deleted" } else { "" }
        ),
        Edit::Appreciation { after, .. } => {
            println!("appreciation (version {})", after.version)
        }
        Edit::Score { node_id, after, .. } => println!("{node_id} (version {})", after.version),
        Edit::Group { edits } => {
            for e in edits {
                if let Some(a) = e.annotation() {
                    println!("{} {} on page {}", a.id, a.shape.kind(), a.page);
                }
            }
        }
    });
}

pub fn annotate(store: &mut Store, cmd: AnnotateCommand, as_json: bool) -> Result<()> {
    let style = |s: Option<String>| -> Result<Option<Style>> {
        s.map(|s| parse_json(&s, "--style")).transpose()
    };
    let shape = |s: Option<String>| -> Result<Option<Shape>> {
        s.map(|s| parse_json(&s, "--shape")).transpose()
    };
    let edit = match cmd {
        AnnotateCommand::Add {
            held,
            page,
            shape: s,
            style: st,
            z,
        } => store.add_annotation(
            &held.copy,
            held.token,
            NewAnnotation {
                page,
                shape: parse_json(&s, "--shape")?,
                style: style(st)?,
                z,
            },
        )?,
        AnnotateCommand::Update {
            held,
            id,
            version,
            shape: s,
            style: st,
            z,
        } => {
            let edit = store.update_annotation(
                &id,
                held.token,
                version,
                AnnotationPatch {
                    shape: shape(s)?,
                    style: style(st)?,
                    z,
                },
            )?;
            same_copy(&edit, &held.copy)?;
            edit
        }
        AnnotateCommand::Delete { held, id, version } => {
            let edit = store.delete_annotation(&id, held.token, version)?;
            same_copy(&edit, &held.copy)?;
            edit
        }
        AnnotateCommand::List { copy, deleted } => {
            let list = store.annotations(&copy, deleted)?;
            print_or(as_json, &list, || {
                for a in &list {
                    println!(
                        "{}  page {}  z {:<3} v{:<3} {}{}",
                        a.id,
                        a.page,
                        a.z,
                        a.version,
                        a.shape.kind(),
                        if a.deleted { " (deleted)" } else { "" }
                    );
                }
            });
            return Ok(());
        }
    };
    print_edit(&edit, as_json);
    Ok(())
}

/// The lease check ran on the annotation's copy; this only catches a mistyped --copy.
fn same_copy(edit: &Edit, copy: &str) -> Result<()> {
    match edit.copy_id() {
        Some(c) if c != copy => Err(Error::validation(format!(
            "the annotation belongs to copy {c}, not {copy}"
        ))),
        _ => Ok(()),
    }
}

fn parse_at(at: &str) -> Result<Pt> {
    let mut it = at.split(',').map(|v| v.trim().parse::<f64>());
    match (it.next(), it.next(), it.next()) {
        (Some(Ok(x)), Some(Ok(y)), None) => Ok(Pt { x, y }),
        _ => Err(Error::validation(format!(
            "--at {at}: write x,y as fractions of the page, e.g. 0.5,0.3"
        ))),
    }
}

pub fn comments(store: &mut Store, cmd: CommentsCommand, as_json: bool) -> Result<()> {
    match cmd {
        CommentsCommand::Add {
            exam,
            personal,
            text,
            node,
            points,
        } => {
            store.exam(&exam)?;
            let c = store.add_comment(NewComment {
                scope: if personal {
                    CommentScope::Personal
                } else {
                    CommentScope::Exam(exam)
                },
                text,
                node_id: node,
                points: points.map(|p| Points::parse(&p, "--points")).transpose()?,
            })?;
            print_or(as_json, &c, || println!("{}", c.id));
        }
        CommentsCommand::List { exam } => {
            let list = store.comments(&exam)?;
            print_or(as_json, &list, || {
                for c in &list {
                    let pts = c.points.map(|p| format!(" [{p}]")).unwrap_or_default();
                    let scope = if c.owner.is_some() {
                        "personal"
                    } else {
                        "exam"
                    };
                    println!("{}  {:<8} {:>3}×  {}{pts}", c.id, scope, c.uses, c.text);
                }
            });
        }
        CommentsCommand::Delete { id } => {
            store.delete_comment(&id)?;
            print_or(as_json, &json!({ "deleted": id }), || {
                println!("deleted {id}")
            });
        }
        CommentsCommand::Apply {
            held,
            id,
            page,
            at,
            node,
        } => {
            let edit = store.apply_comment(
                &held.copy,
                held.token,
                &id,
                &Placement {
                    page,
                    at: parse_at(&at)?,
                    node_id: node,
                },
            )?;
            print_edit(&edit, as_json);
        }
    }
    Ok(())
}

pub fn finalize(store: &mut Store, copy: &str, token: Option<i64>, as_json: bool) -> Result<()> {
    let g = store.finalize(copy, token)?;
    print_or(as_json, &g, || {
        println!("graded: {} / {} ({:.2}/20)", g.total, g.max_total, g.on_20)
    });
    Ok(())
}

pub fn reopen(store: &mut Store, copy: &str, reason: Option<&str>, as_json: bool) -> Result<()> {
    store.reopen(copy, reason)?;
    print_or(as_json, &json!({ "reopened": copy }), || {
        println!("copy {copy} reopened")
    });
    Ok(())
}

fn parse_counts(counts: &[String]) -> Result<Vec<(String, usize)>> {
    counts
        .iter()
        .map(|c| {
            let (name, n) = c.split_once('=').ok_or_else(|| {
                Error::validation(format!("--counts {c}: write name=count, e.g. ann=10"))
            })?;
            let n = n.trim().parse().map_err(|_| {
                Error::validation(format!("--counts {c}: {n} is not a number of copies"))
            })?;
            Ok((name.trim().to_string(), n))
        })
        .collect()
}

pub fn dispatch(store: &mut Store, cmd: DispatchCommand, as_json: bool) -> Result<()> {
    let run = match cmd {
        DispatchCommand::Run {
            exam,
            to,
            counts,
            seed,
            redo,
        } => {
            let seed = seed.unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64)
            });
            let plan = if counts.is_empty() {
                Plan::RoundRobin {
                    correctors: to,
                    seed,
                }
            } else {
                Plan::Counts {
                    counts: parse_counts(&counts)?,
                    seed,
                }
            };
            store.dispatch(&exam, &plan, redo)?
        }
        DispatchCommand::Reassign {
            exam,
            copy,
            from,
            to,
        } => {
            let what = match (copy, from) {
                (Some(copy_id), _) => Reassign::Copy { copy_id, to },
                (None, Some(from)) => Reassign::Corrector { from, to },
                (None, None) => unreachable!("clap requires --copy or --from"),
            };
            store.reassign(&exam, &what)?
        }
    };
    print_or(as_json, &run, || {
        println!(
            "run {} ({}{})",
            run.id,
            run.method,
            run.seed.map(|s| format!(", seed {s}")).unwrap_or_default()
        );
        for a in &run.assignments {
            println!("  #{:<4} {}  -> {}", a.copy_seq, a.copy_id, a.corrector);
        }
    });
    Ok(())
}

pub fn stats(store: &Store, args: StatsArgs, as_json: bool) -> Result<()> {
    if let Some(node) = &args.rank {
        let ranked = store.ranking(&args.exam, node, args.include_ungraded)?;
        print_or(as_json, &ranked, || {
            for r in &ranked {
                println!(
                    "#{:<4} {:>6} / {:<6} {:<30} {}",
                    r.copy_seq,
                    r.points.map_or("-".into(), |p| p.to_string()),
                    r.max.to_string(),
                    r.student.as_deref().unwrap_or("(unidentified)"),
                    r.remark.as_deref().unwrap_or("")
                );
            }
        });
        return Ok(());
    }
    let st = store.stats(&args.exam, args.include_ungraded, args.bins)?;
    print_or(as_json, &st, || {
        let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
        println!(
            "{:<40} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "", "n", "mean", "median", "sd", "min", "max"
        );
        let line = |name: &str, s: &korrigo_core::grading::stats::Summary| {
            println!(
                "{:<40} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7}",
                name,
                s.count,
                f(s.mean),
                f(s.median),
                f(s.std_dev),
                f(s.min),
                f(s.max)
            )
        };
        line("total on 20", &st.on_20);
        line(&format!("total on {}", st.max_total), &st.total);
        for q in &st.questions {
            line(
                &format!("{}{}", "  ".repeat(q.depth - 1), q.title),
                &q.summary,
            );
        }
    });
    Ok(())
}
