//! The grading core through the store: barème edits, scores, totals, leases, finalize,
//! annotations with undo/redo, the comment bank, dispatch, statistics, and the audit and
//! outbox rows every change writes.

mod common;

use common::{pts, station, BAREME};
use korrigo_core::grading::annotation::{Pt, StampKind, StrokePt};
use korrigo_core::grading::dispatch::Plan;
use korrigo_core::grading::{AnnotationPatch, Bareme, History, NewAnnotation, Shape};
use korrigo_core::model::CopyStatus;
use korrigo_core::store::{CommentScope, NewComment, Reassign, Role};
use korrigo_core::ErrorCode;
use time::{Duration, OffsetDateTime};

const TTL: Duration = Duration::minutes(30);

fn pen() -> Shape {
    Shape::Pen {
        points: vec![
            StrokePt {
                x: 0.1,
                y: 0.1,
                p: 0.3,
            },
            StrokePt {
                x: 0.2,
                y: 0.15,
                p: 0.8,
            },
        ],
    }
}

#[test]
fn scores_are_checked_against_the_bareme_and_totals_are_derived() {
    let mut s = station(1);
    let c = s.copies[0].clone();
    let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
    for (node, v, needle) in [
        ("q1", 2.5, "outside 0 to 2"),
        ("q1", 1.25, "multiple of 0.5"),
        ("ex1", 1.0, "sub-questions"),
        ("nope", 1.0, "not a question"),
        ("q1", -0.5, "outside"),
    ] {
        let err = s.store.set_points(&c, t, node, Some(pts(v))).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{node} {v}");
        assert!(err.message.contains(needle), "{}", err.message);
    }
    s.store.set_points(&c, t, "q1", Some(pts(1.5))).unwrap();
    s.store.set_points(&c, t, "q2b", Some(pts(0.75))).unwrap();
    s.store
        .set_remark(&c, t, "ex1", Some("Bonne démarche".into()))
        .unwrap();
    s.store
        .set_appreciation(&c, t, Some("Travail sérieux.".into()))
        .unwrap();
    let g = s.store.grade(&c).unwrap();
    assert_eq!(g.total, pts(2.25));
    assert_eq!(g.max_total, pts(10.0));
    assert!((g.on_20 - 4.5).abs() < 1e-9);
    assert_eq!(g.node("ex1").unwrap().points, Some(pts(2.25)));
    assert_eq!(
        g.node("ex1").unwrap().remark.as_deref(),
        Some("Bonne démarche")
    );
    assert_eq!(g.missing, ["Exercice 1 > 2. > a)", "Exercice 2"]);
    assert_eq!(
        s.store.appreciation(&c).unwrap().as_deref(),
        Some("Travail sérieux.")
    );
    // Clearing a score makes the leaf unscored again.
    s.store.set_points(&c, t, "q1", None).unwrap();
    assert_eq!(s.store.grade(&c).unwrap().total, pts(0.75));
}

#[test]
fn editing_the_bareme_keeps_scores_on_their_nodes() {
    let mut s = station(2);
    let c = s.copies[0].clone();
    let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
    s.store.set_points(&c, t, "ex2", Some(pts(5.0))).unwrap();
    s.store.set_points(&c, t, "q1", Some(pts(2.0))).unwrap();
    // Reorder, rename, lower ex2 to 4 and add a question: scores stay on their ids.
    let edited = BAREME
        .replace(
            r#""label": "Exercice 2", "max": 5.5"#,
            r#""label": "Exercice II", "max": 4"#,
        )
        .replace(
            r#"{"id": "q1", "label": "1.", "max": 2},"#,
            r#"{"label": "0. (nouveau)", "max": 1}, {"id": "q1", "label": "1.", "max": 2},"#,
        );
    let report = s
        .store
        .set_bareme(&s.exam, Bareme::from_json(&edited, "t").unwrap(), false)
        .unwrap();
    assert_eq!(report.version, 2);
    assert_eq!(report.over_max.len(), 1);
    assert_eq!(report.over_max[0].title, "Exercice II");
    let new_leaf = &report.bareme.leaves()[0];
    assert_eq!(new_leaf.path, ["Exercice 1", "0. (nouveau)"]);
    assert!(!new_leaf.id.is_empty());
    let g = s.store.grade(&c).unwrap();
    assert_eq!(g.node("q1").unwrap().points, Some(pts(2.0)));
    assert!(g.node("ex2").unwrap().over_max);
    assert_eq!(g.node("ex2").unwrap().points, Some(pts(4.0)));
    // Removing a scored question is refused unless forced.
    let without_ex2 =
        Bareme::from_json(r#"{"nodes": [{"id": "q1", "label": "1.", "max": 2}]}"#, "t").unwrap();
    let err = s
        .store
        .set_bareme(&s.exam, without_ex2.clone(), false)
        .unwrap_err();
    assert!(err.message.contains("Exercice II"), "{}", err.message);
    assert_eq!(s.store.bareme_report(&s.exam).unwrap().version, 2);
    let forced = s.store.set_bareme(&s.exam, without_ex2, true).unwrap();
    assert_eq!(forced.orphaned, ["ex2"]);
    assert_eq!(s.store.grade(&c).unwrap().total, pts(2.0));
}

#[test]
fn leases_fence_writes_and_admins_can_force_release() {
    let mut s = station(1);
    let c = s.copies[0].clone();
    let t0 = OffsetDateTime::now_utc();
    s.store.set_user("ann", Role::Teacher).unwrap();
    s.store.set_user("olga", Role::Operator).unwrap();
    s.as_user("ann");
    s.store.set_clock(Some(t0));
    let ann = s.store.take_lease(&c, TTL).unwrap();
    assert_eq!(s.store.copy(&c).unwrap().status, CopyStatus::Leased);
    // Renewing keeps the token.
    assert_eq!(s.store.take_lease(&c, TTL).unwrap().token, ann.token);
    let err = s
        .store
        .set_points(&c, None, "q1", Some(pts(1.0)))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::LeaseLost);
    s.as_user("bob");
    s.store.set_clock(Some(t0 + Duration::minutes(10)));
    assert_eq!(
        s.store.take_lease(&c, TTL).unwrap_err().code,
        ErrorCode::Conflict
    );
    assert_eq!(
        s.store
            .set_points(&c, Some(ann.token), "q1", Some(pts(1.0)))
            .unwrap_err()
            .code,
        ErrorCode::LeaseLost
    );
    // Past the expiry, ann's token still works while nobody took the copy...
    s.as_user("ann");
    s.store.set_clock(Some(t0 + Duration::minutes(45)));
    s.store
        .set_points(&c, Some(ann.token), "q1", Some(pts(1.0)))
        .unwrap();
    // ...until bob takes it: then it is stale.
    s.as_user("bob");
    let bob = s.store.take_lease(&c, TTL).unwrap();
    assert!(bob.token > ann.token);
    s.as_user("ann");
    let err = s
        .store
        .set_points(&c, Some(ann.token), "q1", Some(pts(2.0)))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::LeaseLost);
    assert!(err.message.contains("stale"), "{}", err.message);
    assert_eq!(s.store.grade(&c).unwrap().total, pts(1.0));
    // Renewal extends; release gives the copy back.
    s.as_user("bob");
    let renewed = s
        .store
        .renew_lease(&c, Some(bob.token), Duration::hours(2))
        .unwrap();
    assert!(renewed.expires_at > bob.expires_at);
    // Operators do not grade; teachers do not force-release.
    s.as_user("olga");
    assert_eq!(
        s.store.take_lease(&c, TTL).unwrap_err().code,
        ErrorCode::Unauthorized
    );
    s.as_user("ann");
    assert_eq!(
        s.store.force_release_lease(&c, None).unwrap_err().code,
        ErrorCode::Unauthorized
    );
    s.as_user("admin");
    s.store
        .force_release_lease(&c, Some("bob est absent"))
        .unwrap();
    assert_eq!(s.store.copy(&c).unwrap().status, CopyStatus::Ready);
    let audit = s.store.audit_of(&c).unwrap();
    let forced = audit
        .iter()
        .find(|a| a.action == "lease.force_release")
        .unwrap();
    assert_eq!(forced.actor, "admin");
    assert_eq!(forced.detail["lease"]["holder"]["user"], "bob");
    assert_eq!(forced.detail["reason"], "bob est absent");
    s.as_user("bob");
    assert_eq!(
        s.store
            .set_points(&c, Some(bob.token), "q1", Some(pts(2.0)))
            .unwrap_err()
            .code,
        ErrorCode::LeaseLost
    );
    let again = s.store.take_lease(&c, TTL).unwrap();
    assert_eq!(again.token, bob.token + 1);
    s.store.release_lease(&c, Some(again.token)).unwrap();
    assert_eq!(s.store.copy(&c).unwrap().status, CopyStatus::Ready);
}

#[test]
fn finalize_needs_every_leaf_and_a_graded_copy_is_read_only_until_reopened() {
    let mut s = station(1);
    let c = s.copies[0].clone();
    s.store.set_user("ann", Role::Teacher).unwrap();
    s.as_user("ann");
    let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
    s.store.set_points(&c, t, "q1", Some(pts(2.0))).unwrap();
    let err = s.store.finalize(&c, t).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(
        err.message.contains("Exercice 1 > 2. > a)"),
        "{}",
        err.message
    );
    assert!(err.message.contains("Exercice 2"), "{}", err.message);
    s.store.set_points(&c, t, "q2a", Some(pts(1.0))).unwrap();
    s.store.set_points(&c, t, "ex2", Some(pts(4.5))).unwrap();
    // q2b is scored by stamps (from its maximum): one -0.25 stamp.
    s.store
        .add_annotation(
            &c,
            t,
            NewAnnotation {
                page: 2,
                shape: Shape::Score {
                    at: Pt { x: 0.8, y: 0.4 },
                    node: "q2b".into(),
                    delta: pts(-0.25),
                },
                style: None,
                z: None,
            },
        )
        .unwrap();
    assert_eq!(
        s.store.finalize(&c, None).unwrap_err().code,
        ErrorCode::LeaseLost
    );
    let g = s.store.finalize(&c, t).unwrap();
    assert_eq!(g.total, pts(8.25));
    assert_eq!(s.store.copy(&c).unwrap().status, CopyStatus::Graded);
    let err = s.store.set_points(&c, t, "q1", Some(pts(1.0))).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("read-only"));
    assert_eq!(
        s.store.take_lease(&c, TTL).unwrap_err().code,
        ErrorCode::Conflict
    );
    assert_eq!(
        s.store.reopen(&c, None).unwrap_err().code,
        ErrorCode::Unauthorized
    );
    s.as_user("admin");
    s.store.reopen(&c, Some("erreur de barème")).unwrap();
    assert_eq!(s.store.copy(&c).unwrap().status, CopyStatus::Ready);
    let audit = s.store.audit_of(&c).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "copy.reopen" && a.actor == "admin"));
    assert!(audit
        .iter()
        .any(|a| a.action == "copy.finalize" && a.actor == "ann"));
}

#[test]
fn annotations_are_versioned_tombstoned_and_undone() {
    let mut s = station(1);
    let c = s.copies[0].clone();
    let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
    let mut h = History::default();
    let added = s
        .store
        .add_annotation(
            &c,
            t,
            NewAnnotation {
                page: 1,
                shape: pen(),
                style: None,
                z: None,
            },
        )
        .unwrap();
    h.record(added.clone());
    let a = added.annotation().unwrap().clone();
    assert_eq!((a.version, a.z, a.page), (1, 1, 1));
    let stamp = s
        .store
        .add_annotation(
            &c,
            t,
            NewAnnotation {
                page: 1,
                shape: Shape::Stamp {
                    at: Pt { x: 0.5, y: 0.5 },
                    stamp: StampKind::Tick,
                },
                style: None,
                z: None,
            },
        )
        .unwrap();
    h.record(stamp.clone());
    assert_eq!(stamp.annotation().unwrap().z, 2);
    let err = s
        .store
        .add_annotation(
            &c,
            t,
            NewAnnotation {
                page: 9,
                shape: pen(),
                style: None,
                z: None,
            },
        )
        .unwrap_err();
    assert!(err.message.contains("no page 9"));
    // An update must name the version it saw.
    let moved = Shape::Line {
        from: Pt { x: 0.1, y: 0.1 },
        to: Pt { x: 0.9, y: 0.9 },
    };
    let patch = AnnotationPatch {
        shape: Some(moved.clone()),
        ..Default::default()
    };
    assert_eq!(
        s.store
            .update_annotation(&a.id, t, 7, patch.clone())
            .unwrap_err()
            .code,
        ErrorCode::Conflict
    );
    let upd = s.store.update_annotation(&a.id, t, 1, patch).unwrap();
    h.record(upd);
    let del = s.store.delete_annotation(&a.id, t, 2).unwrap();
    h.record(del);
    assert_eq!(s.store.annotations(&c, false).unwrap().len(), 1);
    let all = s.store.annotations(&c, true).unwrap();
    assert!(all
        .iter()
        .any(|x| x.id == a.id && x.deleted && x.version == 3));
    // Undo the delete, then the update: the pen stroke is back as drawn.
    s.store.undo(&mut h, t).unwrap().unwrap();
    s.store.undo(&mut h, t).unwrap().unwrap();
    let now = s.store.annotations(&c, false).unwrap();
    let back = now.iter().find(|x| x.id == a.id).unwrap();
    assert_eq!(back.shape, pen());
    assert_eq!(back.version, 5);
    // Redo the update.
    s.store.redo(&mut h, t).unwrap().unwrap();
    let again = s.store.annotations(&c, false).unwrap();
    assert_eq!(again.iter().find(|x| x.id == a.id).unwrap().shape, moved);
    // Someone else changes the stroke: undoing over it is refused, the entry dropped.
    s.store
        .update_annotation(
            &a.id,
            t,
            6,
            AnnotationPatch {
                z: Some(10),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        s.store.undo(&mut h, t).unwrap_err().code,
        ErrorCode::Conflict
    );
    // The next entry (the stamp's creation) undoes fine: a tombstone.
    s.store.undo(&mut h, t).unwrap().unwrap();
    assert!(s
        .store
        .annotations(&c, false)
        .unwrap()
        .iter()
        .all(|x| x.shape.kind() != "stamp"));
    // A lost lease keeps the entry for later.
    let before = h.clone();
    assert_eq!(
        s.store.undo(&mut h, Some(999)).unwrap_err().code,
        ErrorCode::LeaseLost
    );
    assert_eq!(h, before);
}

#[test]
fn the_comment_bank_places_text_and_points_and_counts_uses() {
    let mut s = station(1);
    let c = s.copies[0].clone();
    s.store.set_user("ann", Role::Teacher).unwrap();
    s.store.set_user("bob", Role::Teacher).unwrap();
    s.as_user("ann");
    let shared = s
        .store
        .add_comment(NewComment {
            scope: CommentScope::Exam(s.exam.clone()),
            text: "Unité manquante".into(),
            node_id: Some("q2b".into()),
            points: Some(pts(-0.25)),
        })
        .unwrap();
    let mine = s
        .store
        .add_comment(NewComment {
            scope: CommentScope::Personal,
            text: "Attention à la rédaction".into(),
            node_id: None,
            points: None,
        })
        .unwrap();
    assert!(s
        .store
        .add_comment(NewComment {
            scope: CommentScope::Exam(s.exam.clone()),
            text: "x".into(),
            node_id: Some("ex1".into()),
            points: None,
        })
        .is_err());
    let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
    let place = korrigo_core::store::Placement {
        page: 3,
        at: Pt { x: 0.4, y: 0.6 },
        node_id: None,
    };
    let edit = s.store.apply_comment(&c, t, &shared.id, &place).unwrap();
    s.store.apply_comment(&c, t, &mine.id, &place).unwrap();
    let anns = s.store.annotations(&c, false).unwrap();
    assert_eq!(anns.len(), 3);
    assert!(anns
        .iter()
        .any(|a| matches!(&a.shape, Shape::Text { text, .. } if text == "Unité manquante")));
    assert_eq!(
        s.store.grade(&c).unwrap().node("q2b").unwrap().points,
        Some(pts(0.75))
    );
    let list = s.store.comments(&s.exam).unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|c| c.uses == 1));
    // Bob sees the exam's comment, not Ann's personal one.
    s.as_user("bob");
    let bobs = s.store.comments(&s.exam).unwrap();
    assert_eq!(bobs.len(), 1);
    assert_eq!(
        s.store.delete_comment(&mine.id).unwrap_err().code,
        ErrorCode::Unauthorized
    );
    // Undoing the placement removes text and stamp together.
    s.as_user("ann");
    s.store.revert(&edit, t).unwrap();
    assert_eq!(s.store.annotations(&c, false).unwrap().len(), 1);
    assert_eq!(s.store.grade(&c).unwrap().node("q2b").unwrap().points, None);
}

#[test]
fn dispatch_deals_ready_copies_by_seed_and_reassigns() {
    let mut s = station(7);
    let plan = Plan::RoundRobin {
        correctors: vec!["ann".into(), "bob".into()],
        seed: 42,
    };
    let run = s.store.dispatch(&s.exam, &plan, false).unwrap();
    assert_eq!(run.assignments.len(), 7);
    let ann = run
        .assignments
        .iter()
        .filter(|a| a.corrector == "ann")
        .count();
    assert_eq!(ann, 4);
    // Nothing left to deal without --redo; with it, the same seed gives the same deal.
    assert!(s.store.dispatch(&s.exam, &plan, false).is_err());
    let again = s.store.dispatch(&s.exam, &plan, true).unwrap();
    assert_eq!(
        again
            .assignments
            .iter()
            .map(|a| &a.corrector)
            .collect::<Vec<_>>(),
        run.assignments
            .iter()
            .map(|a| &a.corrector)
            .collect::<Vec<_>>()
    );
    // A copy being graded keeps its corrector.
    let held = run
        .assignments
        .iter()
        .find(|a| a.corrector == "ann")
        .unwrap()
        .copy_id
        .clone();
    s.store.take_lease(&held, TTL).unwrap();
    let moved = s
        .store
        .reassign(
            &s.exam,
            &Reassign::Corrector {
                from: "ann".into(),
                to: "cid".into(),
            },
        )
        .unwrap();
    assert_eq!(moved.assignments.len(), 3);
    assert_eq!(
        s.store
            .reassign(
                &s.exam,
                &Reassign::Copy {
                    copy_id: held.clone(),
                    to: "cid".into()
                }
            )
            .unwrap_err()
            .code,
        ErrorCode::Conflict
    );
    let copies = s.store.copies(&s.exam).unwrap();
    assert_eq!(
        copies
            .iter()
            .filter(|c| c.corrector.as_deref() == Some("cid"))
            .count(),
        3
    );
    assert_eq!(
        copies
            .iter()
            .find(|c| c.id == held)
            .unwrap()
            .corrector
            .as_deref(),
        Some("ann")
    );
    let counts = Plan::Counts {
        counts: vec![("ann".into(), 1)],
        seed: 1,
    };
    assert!(s
        .store
        .dispatch(&s.exam, &counts, true)
        .unwrap_err()
        .message
        .contains("add up"));
    s.store.set_user("ann", Role::Teacher).unwrap();
    s.as_user("ann");
    assert_eq!(
        s.store.dispatch(&s.exam, &plan, true).unwrap_err().code,
        ErrorCode::Unauthorized
    );
    assert_eq!(s.count("SELECT COUNT(*) FROM dispatch_run"), 3);
}

#[test]
fn statistics_and_ranking_of_graded_copies() {
    let mut s = station(4);
    let marks = [
        (2.0, 1.5, 1.0, 5.5),
        (1.0, 0.5, 0.5, 3.0),
        (0.0, 0.0, 0.25, 1.0),
    ];
    for (i, (a, b, c2, d)) in marks.iter().enumerate() {
        let c = s.copies[i].clone();
        let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
        for (node, v) in [("q1", a), ("q2a", b), ("q2b", c2), ("ex2", d)] {
            s.store.set_points(&c, t, node, Some(pts(*v))).unwrap();
        }
        s.store.finalize(&c, t).unwrap();
    }
    // The fourth copy is half scored and not graded.
    let c = s.copies[3].clone();
    let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
    s.store.set_points(&c, t, "q1", Some(pts(1.5))).unwrap();
    let st = s.store.stats(&s.exam, false, 4).unwrap();
    assert_eq!(st.total.count, 3);
    assert!((st.total.mean.unwrap() - 16.25 / 3.0).abs() < 1e-9);
    assert_eq!(st.total.median, Some(5.0));
    assert_eq!(st.total.min, Some(1.25));
    assert_eq!(st.total.max, Some(10.0));
    assert_eq!(st.on_20.max, Some(20.0));
    let q1 = st.questions.iter().find(|q| q.id == "q1").unwrap();
    assert_eq!(q1.title, "Exercice 1 > 1.");
    assert_eq!(q1.summary.mean, Some(1.0));
    let ex1 = st.questions.iter().find(|q| q.id == "ex1").unwrap();
    assert_eq!(ex1.max, pts(4.5));
    assert_eq!(ex1.summary.max, Some(4.5));
    let with_open = s.store.stats(&s.exam, true, 4).unwrap();
    assert_eq!(with_open.total.count, 3);
    assert_eq!(
        with_open
            .questions
            .iter()
            .find(|q| q.id == "q1")
            .unwrap()
            .summary
            .count,
        4
    );
    let rank = s.store.ranking(&s.exam, "ex2", true).unwrap();
    let order: Vec<Option<f64>> = rank.iter().map(|r| r.points.map(|p| p.as_f64())).collect();
    assert_eq!(order, [Some(5.5), Some(3.0), Some(1.0), None]);
    assert_eq!(rank[0].copy_id, s.copies[0]);
}

#[test]
fn every_change_writes_one_audit_and_one_outbox_row_and_failures_write_none() {
    let mut s = station(1);
    let c = s.copies[0].clone();
    let outbox = |s: &common::Station| s.count("SELECT COUNT(*) FROM outbox");
    let audit = |s: &common::Station| s.count("SELECT COUNT(*) FROM audit");
    let (o0, a0) = (outbox(&s), audit(&s));
    assert_eq!(o0, a0, "exam, import and barème are logged both ways");
    let t = Some(s.store.take_lease(&c, TTL).unwrap().token);
    s.store.set_points(&c, t, "q1", Some(pts(1.0))).unwrap();
    s.store.set_points(&c, t, "q1", Some(pts(9.0))).unwrap_err();
    s.store
        .set_points(&c, Some(77), "q1", Some(pts(1.0)))
        .unwrap_err();
    s.store
        .add_annotation(
            &c,
            t,
            NewAnnotation {
                page: 1,
                shape: pen(),
                style: None,
                z: None,
            },
        )
        .unwrap();
    s.store
        .set_appreciation(&c, t, Some("Bien".into()))
        .unwrap();
    assert_eq!(outbox(&s) - o0, 4);
    assert_eq!(audit(&s) - a0, 4);
    let pending = s.store.outbox_pending().unwrap();
    let seqs: Vec<i64> = pending.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "dense: {seqs:?}");
    let score = pending.iter().find(|e| e.name == "score.set").unwrap();
    assert_eq!(score.lease_token, t);
    assert_eq!(score.base_version, Some(0));
    assert_eq!(score.args["points"], 1);
}

#[test]
fn an_import_cannot_bring_copies_in_past_the_review_desk() {
    let mut s = station(0);
    let copy = korrigo_core::store::NewCopy::unidentified(CopyStatus::Graded, vec![]);
    let err = s
        .store
        .record_import(
            &s.exam,
            &[korrigo_core::store::NewSourcePdf {
                sha256: "2".repeat(64),
                file_name: "x.pdf".into(),
                pages: 1,
            }],
            &[copy],
        )
        .unwrap_err();
    assert!(
        err.message.contains("cannot start as graded"),
        "{}",
        err.message
    );
    assert_eq!(
        s.count("SELECT COUNT(*) FROM source_pdf WHERE file_name = 'x.pdf'"),
        0
    );
}
