//! Real stations syncing through a real server and PostgreSQL: a class set up on the
//! admin's station and graded on a teacher's, a station grading while the server is
//! down, pushes answered twice, the same score changed on two stations, a lease
//! reassigned while its station was offline, and a server restored from a backup.
//! Every test checks that no accepted change is lost or applied twice and that every
//! conflict is seen on both sides.

mod common;

use common::*;
use korrigo_core::grading::annotation::{Pt, StampKind};
use korrigo_core::grading::{NewAnnotation, Shape};
use korrigo_core::model::CopyStatus;
use korrigo_core::sync::ServerRole;
use korrigo_core::ErrorCode;

/// A server with an admin and two teachers.
fn school() -> Server {
    let server = Server::start();
    server.add_account("root", ServerRole::Admin);
    server.add_account("anne", ServerRole::Teacher);
    server.add_account("bruno", ServerRole::Teacher);
    server
}

#[test]
fn a_class_set_up_on_the_admin_station_is_graded_on_a_teacher_station_and_comes_back() {
    let server = school();
    let mut admin = Station::new(&server, "root");
    let mut anne = Station::new(&server, "anne");
    assert_eq!(admin.role, ServerRole::Admin);
    assert_eq!(anne.role, ServerRole::Teacher);
    let class = class(&mut admin, "DS 6 — Mécanique", 5, 3);
    let made: Vec<String> = admin.outbox().into_values().map(|m| m.1).collect();
    assert_eq!(
        made,
        [
            "exam.create",
            "roster.import",
            "import",
            "bareme.set",
            "copy.identify",
            "copy.identify",
            "copy.identify"
        ]
    );
    let made = made.len();
    let report = admin.sync();
    assert_eq!(report.pushed, made);
    assert_eq!(report.applied, made, "{report:?}");
    assert_eq!(report.uploaded, 1, "the scan goes up once");
    assert_eq!(server.count("SELECT COUNT(*) FROM media WHERE complete"), 1);

    // The teacher's station gets the exam, its roster and its copies, with the scan.
    let report = anne.sync();
    assert_eq!(report.downloaded, 1, "{report:?}");
    assert_eq!(report.parked, 0);
    check_media(&anne.store, &class.scan_sha);
    let exams = anne.store.exams().unwrap();
    assert_eq!(exams.len(), 1);
    assert_eq!(exams[0].id, class.exam);
    assert_eq!(exams[0].name, "DS 6 — Mécanique");
    assert_eq!(
        anne.store.bareme(&class.exam).unwrap(),
        admin.store.bareme(&class.exam).unwrap()
    );
    assert_eq!(
        anne.store.students(&class.exam).unwrap(),
        admin.store.students(&class.exam).unwrap()
    );
    let theirs = admin.store.copies(&class.exam).unwrap();
    let ours = anne.store.copies(&class.exam).unwrap();
    assert_eq!(ours.len(), 3);
    for (a, b) in theirs.iter().zip(&ours) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.status, CopyStatus::Ready);
        assert_eq!(b.status, CopyStatus::Ready);
        assert_eq!(a.student, b.student);
        assert_eq!(a.pages, b.pages, "copy {}", a.id);
        assert_eq!(b.pages.len(), 4);
    }
    // Its pages render from the downloaded scan, as on the admin's station.
    for (who, station) in [("admin", &admin), ("anne", &anne)] {
        let png = station.dir.path().join(format!("{who}-p1.png"));
        korrigo_station::page::render_to_png(&station.store, &class.copies[0], 1, 30, &png)
            .unwrap();
        assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    }

    // Anne grades the first copy whole, and part of the second.
    let (c1, c2) = (&class.copies[0], &class.copies[1]);
    let t1 = anne.lease(c1, 30);
    anne.set(c1, t1, "q1", 3.5);
    anne.set(c1, t1, "q2", 5.0);
    anne.set(c1, t1, "ex2", 8.0);
    anne.store
        .set_remark(c1, t1, "q2", Some("Unités oubliées".into()))
        .unwrap();
    anne.store
        .set_appreciation(c1, t1, Some("Travail sérieux.".into()))
        .unwrap();
    for shape in [
        Shape::Stamp {
            at: Pt { x: 0.8, y: 0.3 },
            stamp: StampKind::Tick,
        },
        Shape::Text {
            at: Pt { x: 0.1, y: 0.5 },
            text: "Très clair".into(),
            size: 0.02,
        },
    ] {
        anne.store
            .add_annotation(
                c1,
                t1,
                NewAnnotation {
                    page: 1,
                    shape,
                    style: None,
                    z: None,
                },
            )
            .unwrap();
    }
    anne.store.finalize(c1, t1).unwrap();
    // The graded copy's annotated PDF goes up with the grades.
    let pdf = anne.dir.path().join("c1.pdf");
    korrigo_export::pdf::export_copy(&anne.store, c1, Default::default(), &pdf).unwrap();
    let pdf_sha = korrigo_core::media::MediaStore::digest_file(&pdf).unwrap();
    let t2 = anne.lease(c2, 30);
    anne.set(c2, t2, "q1", 1.0);
    let grade = anne.store.grade(c1).unwrap();
    let made = anne.pending();
    let report = anne.sync();
    assert_eq!((report.pushed, report.applied), (made, made), "{report:?}");
    assert_eq!((report.conflicts, report.rejected), (0, 0));
    assert_eq!(report.uploaded, 1, "the exported copy goes up");
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM copy_export e JOIN media m ON m.sha256 = e.sha256 \
             WHERE e.copy_id = '{c1}' AND e.sha256 = '{pdf_sha}' AND m.complete AND NOT e.anonymous"
        )),
        1
    );

    // Everything comes back to the admin's station.
    admin.sync();
    assert_eq!(admin.store.grade(c1).unwrap(), grade);
    assert_eq!(admin.score(c2, "q1"), Some(1.0));
    assert_eq!(
        admin.store.appreciation(c1).unwrap().as_deref(),
        Some("Travail sérieux.")
    );
    assert_eq!(
        admin.store.annotations(c1, false).unwrap(),
        anne.store.annotations(c1, false).unwrap()
    );
    assert_eq!(admin.store.annotations(c1, false).unwrap().len(), 2);
    assert_eq!(admin.store.copy(c1).unwrap().status, CopyStatus::Graded);
    assert_eq!(admin.store.copy(c2).unwrap().status, CopyStatus::Leased);
    let lease = admin.store.lease(c2).unwrap().unwrap();
    assert_eq!(lease.holder.user, "anne");
    assert_eq!(lease.holder.station, anne.id());
    // The admin cannot grade under Anne's lease.
    let err = admin
        .store
        .set_points(c2, lease.token.into(), "q2", Some(pts(1.0)))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::LeaseLost, "{}", err.message);

    // The server holds each change once.
    let scores = server.scores(&class.exam);
    assert_eq!(points_of(&scores), anne.scores(&class.copies));
    assert_eq!(points_of(&scores), admin.scores(&class.copies));
    let anne_changes = anne.sql_i64("SELECT COUNT(*) FROM outbox");
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM mutation_log WHERE station_id = '{}' AND status = 'applied'",
            anne.id()
        )),
        anne_changes
    );
    for st in [&admin, &anne] {
        let status = st.store.sync_status().unwrap();
        assert!(status.issues.is_empty(), "{:?}", status.issues);
        assert!(status.conflicts.is_empty());
        assert_eq!(status.parked, 0);
    }
    // A second round moves nothing.
    for st in [&mut admin, &mut anne] {
        let r = st.sync();
        assert_eq!((r.pushed, r.written, r.downloaded), (0, 0, 0), "{r:?}");
    }
}

#[test]
fn a_station_grading_while_the_server_is_down_keeps_every_change_and_delivers_it_when_back() {
    let mut server = school();
    let mut admin = Station::new(&server, "root");
    let mut bruno = Station::new(&server, "bruno");
    let class = class(&mut admin, "DS 7", 7, 2);
    admin.sync();
    bruno.sync();
    let c1 = &class.copies[0];
    let t = bruno.lease(c1, 30);
    bruno.set(c1, t, "q1", 2.0);
    bruno.sync();
    let synced = bruno.store.sync_status().unwrap().last_success;
    assert!(synced.is_some());

    server.stop();
    bruno.set(c1, t, "q2", 4.5);
    bruno.sync_offline();
    assert_eq!(bruno.pending(), 1);
    bruno.set(c1, t, "ex2", 7.0);
    bruno.set(c1, t, "q1", 2.5);
    bruno
        .store
        .set_appreciation(c1, t, Some("Écrit hors ligne".into()))
        .unwrap();
    let err = bruno.sync_offline();
    assert!(err.message.contains("cannot reach"), "{}", err.message);
    let status = bruno.store.sync_status().unwrap();
    assert_eq!(status.pending, 4, "nothing is dropped while offline");
    assert_eq!(status.last_success, synced);
    assert!(status.last_error.unwrap().contains("cannot reach"));
    admin.sync_offline();

    // The server comes back on the same address; Bruno's background loop, which kept
    // failing, delivers everything.
    let (tx, rx) = std::sync::mpsc::channel();
    let looping = korrigo_sync::SyncLoop::start(
        bruno.store.data_dir().to_path_buf(),
        Some("bruno".into()),
        korrigo_sync::Client::new(&server.url(), bruno.token.clone()).unwrap(),
        korrigo_sync::SyncLoopConfig {
            interval: std::time::Duration::from_secs(3600),
            backoff: korrigo_sync::Backoff {
                first: std::time::Duration::from_millis(50),
                max: std::time::Duration::from_millis(200),
                jitter: 0.0,
            },
        },
        move |e| {
            let _ = tx.send(e);
        },
    );
    let wait = std::time::Duration::from_secs(30);
    match rx.recv_timeout(wait).unwrap() {
        korrigo_sync::LoopEvent::Failed { error, .. } => assert_eq!(error.code, ErrorCode::Offline),
        e => panic!("synced with the server down: {e:?}"),
    }
    server.resume();
    let report = loop {
        match rx.recv_timeout(wait).unwrap() {
            korrigo_sync::LoopEvent::Synced(r) => break r,
            korrigo_sync::LoopEvent::Failed { error, .. } => {
                assert_eq!(error.code, ErrorCode::Offline, "{}", error.message)
            }
        }
    };
    looping.stop();
    assert_eq!((report.pushed, report.applied), (4, 4), "{report:?}");
    assert_eq!(bruno.pending(), 0);
    assert!(bruno.store.sync_status().unwrap().last_error.is_none());

    admin.sync();
    assert_eq!(admin.score(c1, "q1"), Some(2.5));
    assert_eq!(admin.score(c1, "q2"), Some(4.5));
    assert_eq!(admin.score(c1, "ex2"), Some(7.0));
    assert_eq!(
        admin.store.appreciation(c1).unwrap().as_deref(),
        Some("Écrit hors ligne")
    );
    let scores = server.scores(&class.exam);
    assert_eq!(points_of(&scores), bruno.scores(&class.copies));
    assert_eq!(points_of(&scores), admin.scores(&class.copies));
    check_judged_once(&server, &bruno);
    check_judged_once(&server, &admin);
}

#[test]
fn a_batch_pushed_twice_is_answered_from_the_stored_outcomes_and_applied_once() {
    let server = school();
    let mut admin = Station::new(&server, "root");
    let mut anne = Station::new(&server, "anne");
    let mut bruno = Station::new(&server, "bruno");
    let class = class(&mut admin, "DS 8", 8, 2);
    admin.sync();
    anne.sync();
    bruno.sync();
    let (c1, c2) = (&class.copies[0], &class.copies[1]);
    // Anne scores c1 and gives it back; Bruno, who has not synced since, scores it too
    // (a conflict) and grades c2.
    let t = anne.lease(c1, 30);
    anne.set(c1, t, "q1", 3.0);
    anne.store.release_lease(c1, t).unwrap();
    anne.sync();
    let t1 = bruno.lease(c1, 30);
    bruno.set(c1, t1, "q1", 1.0);
    let t2 = bruno.lease(c2, 30);
    bruno.set(c2, t2, "q1", 2.0);
    bruno.set(c2, t2, "q2", 4.0);
    bruno
        .store
        .set_appreciation(c2, t2, Some("Bien".into()))
        .unwrap();

    // The push goes through but the station dies before recording the answer.
    let batch = bruno.store.sync_batch(korrigo_sync::PUSH_BATCH).unwrap();
    assert_eq!(batch.len(), 6);
    let request = korrigo_core::sync::PushRequest {
        protocol: korrigo_core::sync::PROTOCOL_VERSION,
        station_id: bruno.id(),
        server_epoch: bruno.store.server_epoch().unwrap(),
        mutations: batch,
    };
    let first = bruno.client().push(&request).unwrap();
    let statuses = |r: &korrigo_core::sync::PushResponse| {
        r.outcomes
            .iter()
            .map(|o| o.status.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        statuses(&first),
        ["applied", "conflict", "applied", "applied", "applied", "applied"],
        "{first:?}"
    );
    assert!(first.outcomes.iter().all(|o| !o.duplicate));
    let highest = server.highest_version();
    let scores = server.scores(&class.exam);

    // The same batch again, as the restarted station sends it: the stored outcomes.
    let again = bruno.client().push(&request).unwrap();
    assert!(again.outcomes.iter().all(|o| o.duplicate));
    for (a, b) in first.outcomes.iter().zip(&again.outcomes) {
        assert_eq!(
            (a.seq, a.status, &a.entities),
            (b.seq, b.status, &b.entities)
        );
    }
    let report = bruno.sync();
    assert_eq!(
        (report.pushed, report.applied, report.conflicts),
        (6, 5, 1),
        "{report:?}"
    );
    assert_eq!(
        server.highest_version(),
        highest,
        "nothing was written again"
    );
    assert_eq!(server.scores(&class.exam), scores);
    assert_eq!(server.conflicts().len(), 1);

    // A station restored from its own backup marks the changes pending again: same.
    let reset = bruno
        .store
        .connection()
        .execute(
            "UPDATE outbox SET state = 'pending', result_json = NULL",
            [],
        )
        .unwrap();
    assert_eq!(reset, 6);
    let report = bruno.sync();
    assert_eq!(report.pushed, reset, "{report:?}");
    assert_eq!(report.conflicts, 1);
    assert_eq!(server.highest_version(), highest);
    assert_eq!(server.scores(&class.exam), scores);
    assert_eq!(server.conflicts().len(), 1);
    let status = bruno.store.sync_status().unwrap();
    assert_eq!(status.issues.len(), 1, "{:?}", status.issues);
    assert_eq!(bruno.score(c1, "q1"), Some(3.0), "Anne's score won");
    assert_eq!(bruno.score(c2, "q2"), Some(4.0));

    anne.sync();
    admin.sync();
    for st in [&admin, &anne, &bruno] {
        assert_eq!(points_of(&scores), st.scores(&class.copies), "{}", st.login);
        check_judged_once(&server, st);
    }
    check_conflicts_seen(&server, &[&admin, &anne, &bruno]);
}

#[test]
fn the_same_score_changed_on_two_stations_is_one_conflict_seen_on_both_and_the_winner_stays() {
    let server = school();
    let mut admin = Station::new(&server, "root");
    let mut anne = Station::new(&server, "anne");
    let mut bruno = Station::new(&server, "bruno");
    let class = class(&mut admin, "DS 9", 9, 1);
    admin.sync();
    anne.sync();
    bruno.sync();
    let c1 = &class.copies[0];

    // Bruno is cut off; Anne grades under her lease and gives the copy back.
    bruno.offline();
    let t = anne.lease(c1, 30);
    anne.set(c1, t, "q1", 3.0);
    anne.set(c1, t, "q2", 5.0);
    anne.store.release_lease(c1, t).unwrap();
    anne.sync();
    let winner = server.scores(&class.exam)[&(c1.clone(), "q1".to_string())].clone();
    assert_eq!(
        (winner.0, winner.2.as_str()),
        (Some(3.0), anne.id().as_str())
    );

    // Bruno, still offline, takes the copy (free as far as he knows) and scores q1.
    let t = bruno.lease(c1, 30);
    bruno.set(c1, t, "q1", 1.0);
    bruno.set(c1, t, "ex2", 6.0);
    bruno.sync_offline();
    bruno.online();
    let report = bruno.sync();
    assert_eq!(
        (report.pushed, report.applied, report.conflicts),
        (3, 2, 1),
        "{report:?}"
    );

    // The server kept Anne's score, untouched, and the conflict aside.
    let scores = server.scores(&class.exam);
    assert_eq!(scores[&(c1.clone(), "q1".to_string())], winner);
    assert_eq!(scores[&(c1.clone(), "ex2".to_string())].0, Some(6.0));
    let kept = server.conflicts();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].1, bruno.id());

    // Bruno sees his change among his issues, with the winner, and holds Anne's score.
    let status = bruno.store.sync_status().unwrap();
    assert_eq!(status.issues.len(), 1);
    let issue = &status.issues[0];
    assert_eq!(
        (
            issue.name.as_str(),
            issue.status.as_str(),
            issue.code.as_deref()
        ),
        ("score.set", "conflict", Some("conflict"))
    );
    assert_eq!(issue.args["points"], 1.0);
    assert_eq!(issue.winners[0]["body"]["points"], 3.0);
    assert_eq!(bruno.score(c1, "q1"), Some(3.0));
    // Anne sees it too.
    anne.sync();
    let status = anne.store.sync_status().unwrap();
    assert!(status.issues.is_empty());
    assert_eq!(status.conflicts.len(), 1);
    let c = &status.conflicts[0];
    assert_eq!(
        (c.station_id.as_str(), c.account.as_str()),
        (bruno.id().as_str(), "bruno")
    );
    assert_eq!(c.args["points"], 1.0);
    assert!(c.reason.starts_with("conflict"), "{}", c.reason);
    admin.sync();
    for st in [&admin, &anne, &bruno] {
        assert_eq!(points_of(&scores), st.scores(&class.copies), "{}", st.login);
        check_judged_once(&server, st);
    }
    check_conflicts_seen(&server, &[&admin, &anne, &bruno]);

    // Having seen the winner, Bruno's new score applies over it.
    bruno.set(c1, t, "q1", 1.5);
    let report = bruno.sync();
    assert_eq!((report.applied, report.conflicts), (1, 0), "{report:?}");
    anne.sync();
    assert_eq!(anne.score(c1, "q1"), Some(1.5));
}

#[test]
fn work_under_a_lease_reassigned_while_offline_becomes_conflicts_and_under_a_lapsed_one_applies() {
    let server = school();
    let mut admin = Station::new(&server, "root");
    let mut anne = Station::new(&server, "anne");
    let mut bruno = Station::new(&server, "bruno");
    let class = class(&mut admin, "DS 10", 10, 2);
    admin.sync();
    anne.sync();
    bruno.sync();
    let (c1, c2) = (&class.copies[0], &class.copies[1]);
    let t1 = anne.lease(c1, 30);
    let t2 = anne.lapsed_lease(c2);
    anne.sync();

    // Anne works offline on both copies.
    anne.offline();
    anne.set(c1, t1, "q1", 4.0);
    anne.set(c1, t1, "q2", 5.0);
    anne.set(c2, t2, "q1", 3.5);
    anne.store
        .set_appreciation(c2, t2, Some("Hors ligne".into()))
        .unwrap();
    anne.sync_offline();

    // Meanwhile the admin takes c1 back on the server and Bruno grades it.
    server.force_release(&server.web_login("root"), c1);
    bruno.sync();
    let lease = bruno.store.lease(c1).unwrap().unwrap();
    assert_eq!(
        lease.state,
        korrigo_core::grading::lease::LeaseState::Forced
    );
    let tb = bruno.lease(c1, 30);
    bruno.set(c1, tb, "q1", 2.0);
    bruno.sync();

    anne.online();
    let report = anne.sync();
    assert_eq!(
        (report.pushed, report.applied, report.conflicts),
        (4, 2, 2),
        "{report:?}"
    );
    let status = anne.store.sync_status().unwrap();
    assert_eq!(status.issues.len(), 2);
    for issue in &status.issues {
        assert_eq!(issue.target, *c1);
        assert_eq!(issue.code.as_deref(), Some("lease_lost"), "{issue:?}");
    }
    let scores = server.scores(&class.exam);
    assert_eq!(scores[&(c1.clone(), "q1".to_string())].0, Some(2.0));
    assert!(!scores.contains_key(&(c1.clone(), "q2".to_string())));
    assert_eq!(scores[&(c2.clone(), "q1".to_string())].0, Some(3.5));
    // Anne holds the server's state of c1 now, and cannot write to it any more.
    assert_eq!(anne.score(c1, "q1"), Some(2.0));
    assert_eq!(
        anne.score(c1, "q2"),
        None,
        "her lost score is only an issue now"
    );
    let err = anne
        .store
        .set_points(c1, t1, "q1", Some(pts(1.0)))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::LeaseLost, "{}", err.message);

    bruno.sync();
    admin.sync();
    assert_eq!(
        admin.store.appreciation(c2).unwrap().as_deref(),
        Some("Hors ligne")
    );
    for st in [&admin, &anne, &bruno] {
        assert_eq!(points_of(&scores), st.scores(&class.copies), "{}", st.login);
        check_judged_once(&server, st);
    }
    check_conflicts_seen(&server, &[&admin, &anne, &bruno]);
}

#[test]
fn a_server_restored_from_a_backup_gets_every_change_back_from_the_stations() {
    let mut server = school();
    let mut admin = Station::new(&server, "root");
    let mut anne = Station::new(&server, "anne");
    let mut bruno = Station::new(&server, "bruno");
    let class = class(&mut admin, "DS 11", 11, 3);
    admin.sync();
    anne.sync();
    bruno.sync();
    let (c1, c2) = (&class.copies[0], &class.copies[1]);
    let ta = anne.lease(c1, 30);
    anne.set(c1, ta, "q1", 1.0);
    anne.sync();
    let tb = bruno.lease(c2, 30);
    bruno.set(c2, tb, "q1", 2.0);
    bruno.sync();
    let epoch = anne.store.server_epoch().unwrap().unwrap();

    // The night's backup.
    server.stop();
    let backup = server.backup();
    server.resume();

    // A day of work after it, with a second exam and its scan.
    anne.set(c1, ta, "q2", 3.0);
    anne.store
        .set_appreciation(c1, ta, Some("Après la sauvegarde".into()))
        .unwrap();
    anne.sync();
    bruno.set(c2, tb, "q2", 4.0);
    bruno.set(c2, tb, "q1", 2.5);
    bruno.sync();
    let second = class_second(&mut admin);
    admin.sync();
    anne.sync();
    bruno.sync();
    // Anne's last change has not reached the server when it dies.
    anne.set(c1, ta, "ex2", 9.0);
    let before = (
        server.scores(&class.exam),
        server.count("SELECT COUNT(*) FROM entity WHERE NOT deleted"),
    );

    // The server's disk is lost: it is restored from the backup, same data directory.
    server.stop();
    server.use_database(&backup);
    server.resume();
    let new_epoch = server.sql(async |c| {
        c.query_one("SELECT value FROM server_meta WHERE key = 'epoch'", &[])
            .await
            .unwrap()
            .get::<_, String>(0)
    });
    assert_ne!(new_epoch, epoch, "the restore is detected");
    assert!(server.scores(&class.exam).len() < before.0.len());

    for st in [&mut anne, &mut bruno, &mut admin] {
        let report = st.sync();
        assert_eq!(report.epoch_resets, 1, "{}: {report:?}", st.login);
        assert!(report.notes[0].contains("restored"), "{:?}", report.notes);
        assert_eq!(
            st.store.server_epoch().unwrap().as_deref(),
            Some(new_epoch.as_str())
        );
    }
    for st in [&mut anne, &mut bruno, &mut admin] {
        let report = st.sync();
        assert_eq!(report.epoch_resets, 0);
    }

    // Everything is back, Anne's last change with it.
    let scores = server.scores(&class.exam);
    let mut expected = points_of(&before.0);
    expected.insert((c1.clone(), "ex2".into()), Some(9.0));
    assert_eq!(points_of(&scores), expected);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM entity WHERE NOT deleted"),
        before.1 + 1
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM media WHERE complete"),
        2,
        "the second scan was sent again"
    );
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM entity WHERE kind = 'copy' AND exam_id = '{}'",
            second.exam
        )),
        second.copies.len() as i64
    );
    for st in [&admin, &anne, &bruno] {
        assert_eq!(expected, st.scores(&class.copies), "{}", st.login);
        assert_eq!(
            st.store.appreciation(c1).unwrap().as_deref(),
            Some("Après la sauvegarde")
        );
        assert_eq!(st.store.copies(&second.exam).unwrap().len(), 2);
        check_judged_once(&server, st);
        assert!(st.store.sync_status().unwrap().issues.is_empty());
    }
}

/// A second exam of two copies, from another scan.
fn class_second(admin: &mut Station) -> Class {
    class(admin, "DS 12", 12, 2)
}
