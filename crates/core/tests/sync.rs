//! The station's side of sync over its store: the batch it pushes, what it records of
//! the server's outcomes, how a pulled page lands (pending keys win, leases fenced,
//! parents first, nothing without its media), and the replay after a server restore.

mod common;

use common::station;
use korrigo_core::grading::annotation::Pt;
use korrigo_core::grading::{NewAnnotation, Points, Shape};
use korrigo_core::media::MediaStore;
use korrigo_core::model::{CopyStatus, Half};
use korrigo_core::store::Exam;
use korrigo_core::sync::{
    AppreciationState, CopyState, Entity, EntityKind, ExamState, LeaseRecord, Outcome,
    OutcomeStatus, PageState, PullResponse, ScoreState, SourceRef, StructureState,
};
use korrigo_core::ErrorCode;
use rusqlite::OptionalExtension;
use serde_json::{json, Value};
use time::Duration;

const TTL: Duration = Duration::minutes(30);

fn entity(kind: EntityKind, key: &str, exam_id: &str, version: i64, body: Value) -> Entity {
    Entity {
        kind,
        key: key.into(),
        exam_id: exam_id.into(),
        version,
        deleted: false,
        station_id: Some("other-station".into()),
        body,
    }
}

fn page(entities: Vec<Entity>, next: i64) -> PullResponse {
    PullResponse {
        server_epoch: "epoch-1".into(),
        entities,
        next,
        more: false,
    }
}

fn outcome(seq: i64, status: OutcomeStatus, entities: Vec<Entity>) -> Outcome {
    Outcome {
        seq,
        status,
        code: match status {
            OutcomeStatus::Applied => None,
            OutcomeStatus::Conflict => Some(ErrorCode::Conflict),
            OutcomeStatus::Rejected => Some(ErrorCode::Validation),
        },
        message: (status != OutcomeStatus::Applied).then(|| "the server said no".to_string()),
        entities,
        duplicate: false,
    }
}

fn score_state(copy: &str, node: &str, quarters: i64) -> Value {
    json!(ScoreState {
        copy_id: copy.into(),
        node_id: node.into(),
        points: Some(Points::from_quarters(quarters)),
        remark: None,
    })
}

/// The score's quarters, `None` when cleared or when there is no score row.
fn quarters(s: &common::Station, copy: &str, node: &str) -> Option<i64> {
    s.store
        .connection()
        .query_row(
            "SELECT quarters FROM score WHERE copy_id = ?1 AND node_id = ?2",
            [copy, node],
            |r| r.get::<_, Option<i64>>(0),
        )
        .optional()
        .unwrap()
        .flatten()
}

#[test]
fn the_batch_carries_base_versions_and_the_state_of_structure_changes() {
    let mut s = station(2);
    let copy = s.copies[0].clone();
    let lease = s.store.take_lease(&copy, TTL).unwrap();
    s.store
        .set_points(
            &copy,
            Some(lease.token),
            "q1",
            Some(Points::from_quarters(4)),
        )
        .unwrap();
    s.store.join_copies(&s.copies[0], &s.copies[1]).unwrap_err(); // leased: refused, no row

    let batch = s.store.sync_batch(500).unwrap();
    let names: Vec<&str> = batch.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "exam.create",
            "import",
            "bareme.set",
            "lease.take",
            "score.set"
        ]
    );
    assert!(batch.windows(2).all(|w| w[1].seq == w[0].seq + 1));

    // exam.create carries the exam as it stands now, barème included (set after it).
    let exam: StructureState = serde_json::from_value(batch[0].state.clone().unwrap()).unwrap();
    let exam = exam.exam.unwrap();
    assert_eq!(exam.exam.id, s.exam);
    assert_eq!(exam.bareme_version, 1);
    assert!(exam.bareme.unwrap().leaf("q1").is_some());

    // import carries both copies with their pages and the source PDF by content.
    let import: StructureState = serde_json::from_value(batch[1].state.clone().unwrap()).unwrap();
    assert_eq!(import.copies.len(), 2);
    assert_eq!(import.copies[0].status, CopyStatus::Leased);
    assert_eq!(import.copies[0].pages.len(), 4);
    assert_eq!(import.copies[0].pages[0].source.sha256, "0".repeat(64));
    assert_eq!(import.copies[0].pages[0].half, Half::Right);

    // bareme.set keeps its own base version; the score has none from the server yet.
    assert_eq!(batch[2].base_version, Some(0));
    assert_eq!(batch[3].lease_token, Some(lease.token));
    assert!(batch[3].state.is_none());
    let score = &batch[4];
    assert_eq!(score.base_version, None);
    assert_eq!(score.lease_token, Some(lease.token));
    assert_eq!(score.args["node_id"], "q1");

    // Once applied at server version 7, the next change of that score is based on 7.
    let recorded = s
        .store
        .record_outcomes(&[outcome(
            score.seq,
            OutcomeStatus::Applied,
            vec![entity(
                EntityKind::Score,
                &ScoreState::key(&copy, "q1"),
                &s.exam,
                7,
                score_state(&copy, "q1", 4),
            )],
        )])
        .unwrap();
    assert_eq!(recorded.applied, 1);
    s.store
        .set_points(
            &copy,
            Some(lease.token),
            "q1",
            Some(Points::from_quarters(6)),
        )
        .unwrap();
    let batch = s.store.sync_batch(500).unwrap();
    let last = batch.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.base_version),
        ("score.set", Some(7))
    );
    assert!(batch.iter().all(|m| m.seq != score.seq));
    // The applied outcome set the version only: local content stays what it is.
    assert_eq!(quarters(&s, &copy, "q1"), Some(6));
    assert_eq!(s.store.sync_batch(2).unwrap().len(), 2);
}

#[test]
fn a_join_sends_the_copy_kept_and_names_the_copy_removed() {
    let mut s = station(2);
    s.store.join_copies(&s.copies[0], &s.copies[1]).unwrap();
    let batch = s.store.sync_batch(500).unwrap();
    let join = batch.iter().find(|m| m.name == "copy.join").unwrap();
    let state: StructureState = serde_json::from_value(join.state.clone().unwrap()).unwrap();
    assert_eq!(state.copies.len(), 1);
    assert_eq!(state.copies[0].id, s.copies[0]);
    assert_eq!(state.copies[0].pages.len(), 8);
    assert_eq!(state.deleted_copies, vec![s.copies[1].clone()]);
    // The import's state now holds the one copy left.
    let import = batch.iter().find(|m| m.name == "import").unwrap();
    let state: StructureState = serde_json::from_value(import.state.clone().unwrap()).unwrap();
    assert_eq!(state.copies.len(), 1);
}

#[test]
fn conflicts_and_rejections_are_kept_and_the_servers_winner_lands_locally() {
    let mut s = station(1);
    let copy = s.copies[0].clone();
    let lease = s.store.take_lease(&copy, TTL).unwrap();
    s.store
        .set_appreciation(&copy, Some(lease.token), Some("Bien".into()))
        .unwrap();
    s.store
        .set_points(
            &copy,
            Some(lease.token),
            "q1",
            Some(Points::from_quarters(2)),
        )
        .unwrap();
    let batch = s.store.sync_batch(500).unwrap();
    let appreciation = batch.iter().find(|m| m.name == "appreciation.set").unwrap();
    let score = batch.iter().find(|m| m.name == "score.set").unwrap();
    let pending_before = s.store.sync_status().unwrap().pending;

    let winner = entity(
        EntityKind::Appreciation,
        &copy,
        &s.exam,
        12,
        json!(AppreciationState {
            copy_id: copy.clone(),
            text: Some("Très bien".into()),
        }),
    );
    let recorded = s
        .store
        .record_outcomes(&[
            outcome(appreciation.seq, OutcomeStatus::Conflict, vec![winner]),
            outcome(score.seq, OutcomeStatus::Rejected, vec![]),
        ])
        .unwrap();
    assert_eq!((recorded.conflicts, recorded.rejected), (1, 1));
    assert_eq!(
        s.store.appreciation(&copy).unwrap().as_deref(),
        Some("Très bien")
    );
    // A rejection brings no winner: the server never had the score, so the station no
    // longer shows it; it stays in the issue, to be redone by hand.
    assert_eq!(quarters(&s, &copy, "q1"), None);

    let status = s.store.sync_status().unwrap();
    assert_eq!(status.pending, pending_before - 2);
    assert_eq!(status.issues.len(), 2);
    let conflict = &status.issues[0];
    assert_eq!(conflict.status, "conflict");
    assert_eq!(conflict.code.as_deref(), Some("conflict"));
    assert_eq!(conflict.args["text"], "Bien");
    assert_eq!(conflict.winners[0]["body"]["text"], "Très bien");
    assert_eq!(status.issues[1].status, "rejected");
    assert_eq!(status.issues[1].name, "score.set");
    assert_eq!(status.issues[1].args["points"], 0.5);
    let state: String = s
        .store
        .connection()
        .query_row(
            "SELECT state FROM outbox WHERE seq = ?1",
            [appreciation.seq],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(state, "conflict");

    let err = s
        .store
        .record_outcomes(&[outcome(9999, OutcomeStatus::Applied, vec![])])
        .unwrap_err();
    assert!(err.message.contains("#9999"), "{}", err.message);
}

#[test]
fn a_change_the_server_did_not_apply_is_undone_to_the_servers_last_word() {
    let mut s = station(1);
    let copy = s.copies[0].clone();
    let key = |node: &str| ScoreState::key(&copy, node);
    // The exam and its copy are on the server; so is q1 (pulled).
    let setup: Vec<Outcome> = s
        .store
        .sync_batch(500)
        .unwrap()
        .iter()
        .map(|m| outcome(m.seq, OutcomeStatus::Applied, vec![]))
        .collect();
    s.store.record_outcomes(&setup).unwrap();
    let lease = s.store.take_lease(&copy, TTL).unwrap();
    s.store
        .apply_pull(&page(
            vec![entity(
                EntityKind::Score,
                &key("q1"),
                &s.exam,
                20,
                score_state(&copy, "q1", 4),
            )],
            20,
        ))
        .unwrap();
    assert_eq!(quarters(&s, &copy, "q1"), Some(4));
    let t = Some(lease.token);
    s.store
        .set_points(&copy, t, "q1", Some(Points::from_quarters(6)))
        .unwrap();
    s.store
        .set_points(&copy, t, "q2a", Some(Points::from_quarters(2)))
        .unwrap();
    // Another station's newer q1 arrives while ours is pending: it waits, remembered.
    let applied = s
        .store
        .apply_pull(&page(
            vec![entity(
                EntityKind::Score,
                &key("q1"),
                &s.exam,
                25,
                score_state(&copy, "q1", 1),
            )],
            25,
        ))
        .unwrap();
    assert_eq!(applied.skipped_pending, 1);
    assert_eq!(quarters(&s, &copy, "q1"), Some(6));
    let batch = s.store.sync_batch(500).unwrap();
    let names: Vec<&str> = batch.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["lease.take", "score.set", "score.set"]);

    // The lease was lost on the server: both scores come back as conflicts whose only
    // winner is the new holder's lease.
    let holder = entity(
        EntityKind::Lease,
        &copy,
        &s.exam,
        24,
        lease_record(&copy, "other-station", 2, 1),
    );
    let lost = |seq: i64| {
        let mut o = outcome(seq, OutcomeStatus::Conflict, vec![holder.clone()]);
        o.code = Some(ErrorCode::LeaseLost);
        o
    };
    let recorded = s
        .store
        .record_outcomes(&[
            outcome(batch[0].seq, OutcomeStatus::Applied, vec![]),
            lost(batch[1].seq),
            lost(batch[2].seq),
        ])
        .unwrap();
    assert_eq!(recorded.conflicts, 2);
    // q1 is the server's latest, q2a (never on the server) is gone; both are issues.
    assert_eq!(quarters(&s, &copy, "q1"), Some(1));
    assert_eq!(quarters(&s, &copy, "q2a"), None);
    let status = s.store.sync_status().unwrap();
    assert_eq!(status.pending, 0);
    assert_eq!(status.issues.len(), 2);
    assert_eq!(status.issues[0].args["points"], 1.5);
    assert_eq!(status.issues[1].args["points"], 0.5);
    let l = s.store.lease(&copy).unwrap().unwrap();
    assert_eq!(l.holder.station, "other-station");
    let err = s
        .store
        .set_points(&copy, t, "q1", Some(Points::from_quarters(2)))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::LeaseLost);

    // The same answers sent again (a repeated push) move nothing back.
    s.store
        .apply_pull(&page(
            vec![entity(
                EntityKind::Score,
                &key("q1"),
                &s.exam,
                30,
                score_state(&copy, "q1", 3),
            )],
            30,
        ))
        .unwrap();
    let mut stale = lost(batch[1].seq);
    stale.entities.push(entity(
        EntityKind::Score,
        &key("q1"),
        &s.exam,
        25,
        score_state(&copy, "q1", 1),
    ));
    stale.duplicate = true;
    s.store.record_outcomes(&[stale]).unwrap();
    assert_eq!(quarters(&s, &copy, "q1"), Some(3));
    assert_eq!(s.store.sync_status().unwrap().issues.len(), 2);
}

#[test]
fn a_pull_skips_what_pending_changes_touch_and_moves_the_cursor() {
    let mut s = station(1);
    let copy = s.copies[0].clone();
    let lease = s.store.take_lease(&copy, TTL).unwrap();
    s.store
        .set_points(
            &copy,
            Some(lease.token),
            "q1",
            Some(Points::from_quarters(8)),
        )
        .unwrap();
    let applied = s
        .store
        .apply_pull(&page(
            vec![
                entity(
                    EntityKind::Score,
                    &ScoreState::key(&copy, "q1"),
                    &s.exam,
                    20,
                    score_state(&copy, "q1", 0),
                ),
                entity(
                    EntityKind::Score,
                    &ScoreState::key(&copy, "q2a"),
                    &s.exam,
                    21,
                    score_state(&copy, "q2a", 6),
                ),
            ],
            21,
        ))
        .unwrap();
    assert_eq!((applied.applied, applied.skipped_pending), (1, 1));
    assert_eq!(quarters(&s, &copy, "q1"), Some(8));
    assert_eq!(quarters(&s, &copy, "q2a"), Some(6));
    assert_eq!(s.store.pull_cursor().unwrap(), 21);
    assert_eq!(s.store.server_epoch().unwrap().as_deref(), Some("epoch-1"));
    // The pulled score came from the server, not from this station: nothing to push.
    assert!(s
        .store
        .sync_batch(500)
        .unwrap()
        .iter()
        .all(|m| m.args["node_id"] != "q2a"));
    // A page from another epoch is refused: the station must reset first.
    let mut other = page(vec![], 30);
    other.server_epoch = "epoch-2".into();
    let err = s.store.apply_pull(&other).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(s.store.pull_cursor().unwrap(), 21);
}

fn lease_record(copy: &str, station: &str, token: i64, station_token: i64) -> Value {
    json!(LeaseRecord {
        copy_id: copy.into(),
        holder_user: "bob".into(),
        holder_station: station.into(),
        token,
        station_token,
        granted_at: "2026-11-20T08:00:00Z".into(),
        expires_at: "2099-11-20T08:30:00Z".into(),
        state: korrigo_core::grading::LeaseState::Active,
    })
}

#[test]
fn another_stations_lease_fences_local_writes_and_our_own_keeps_its_station_token() {
    let mut s = station(2);
    let (a, b) = (s.copies[0].clone(), s.copies[1].clone());
    let mine = s.store.take_lease(&a, TTL).unwrap();
    s.store.release_lease(&a, Some(mine.token)).unwrap();
    // Everything pushed and applied, so that nothing protects the leases.
    let seqs: Vec<Outcome> = s
        .store
        .sync_batch(500)
        .unwrap()
        .iter()
        .map(|m| outcome(m.seq, OutcomeStatus::Applied, vec![]))
        .collect();
    s.store.record_outcomes(&seqs).unwrap();

    let station_id = s.store.station_id().to_string();
    s.store
        .apply_pull(&page(
            vec![
                entity(
                    EntityKind::Lease,
                    &a,
                    &s.exam,
                    40,
                    lease_record(&a, "station-b", 17, 1),
                ),
                entity(
                    EntityKind::Lease,
                    &b,
                    &s.exam,
                    41,
                    lease_record(&b, &station_id, 18, 5),
                ),
            ],
            41,
        ))
        .unwrap();
    let la = s.store.lease(&a).unwrap().unwrap();
    assert_eq!((la.holder.station.as_str(), la.token), ("station-b", 1));
    let err = s
        .store
        .set_points(&a, Some(1), "q1", Some(Points::from_quarters(4)))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::LeaseLost);
    let err = s.store.take_lease(&a, TTL).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{}", err.message);

    let lb = s.store.lease(&b).unwrap().unwrap();
    assert_eq!(
        (lb.holder.station.as_str(), lb.token),
        (station_id.as_str(), 5)
    );
    let stored: Option<i64> = s
        .store
        .connection()
        .query_row(
            "SELECT server_version FROM lease WHERE copy_id = ?1",
            [&b],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, Some(41));
}

#[test]
fn a_restored_server_makes_the_station_replay_what_it_lost() {
    let mut s = station(1);
    let batch = s.store.sync_batch(500).unwrap();
    assert_eq!(batch.len(), 3);
    let outcomes = vec![
        outcome(batch[0].seq, OutcomeStatus::Applied, vec![]),
        outcome(batch[1].seq, OutcomeStatus::Applied, vec![]),
        outcome(batch[2].seq, OutcomeStatus::Rejected, vec![]),
    ];
    s.store.record_outcomes(&outcomes).unwrap();
    s.store.apply_pull(&page(vec![], 55)).unwrap();
    assert_eq!(s.store.sync_status().unwrap().pending, 0);

    s.store.reset_for_epoch("epoch-2", batch[0].seq).unwrap();
    let status = s.store.sync_status().unwrap();
    assert_eq!(status.pending, 2);
    assert_eq!(status.cursor, 0);
    assert_eq!(status.server_epoch.as_deref(), Some("epoch-2"));
    assert!(
        status.issues.is_empty(),
        "the lost verdicts are judged again"
    );
    let again: Vec<i64> = s
        .store
        .sync_batch(500)
        .unwrap()
        .iter()
        .map(|m| m.seq)
        .collect();
    assert_eq!(again, vec![batch[1].seq, batch[2].seq]);

    // A gap: the server wants the row after the first again.
    s.store
        .record_outcomes(&[outcome(batch[1].seq, OutcomeStatus::Applied, vec![])])
        .unwrap();
    assert_eq!(s.store.reset_from_seq(batch[1].seq).unwrap(), 1);
    assert_eq!(s.store.sync_status().unwrap().pending, 2);
}

fn new_exam_state(id: &str) -> Value {
    json!(ExamState {
        exam: Exam {
            id: id.into(),
            name: "Devoir commun".into(),
            date: None,
            subject: None,
            pages_per_copy: 4,
            created_at: "2026-11-01T08:00:00Z".into(),
            anonymous: false,
        },
        bareme: None,
        bareme_version: 0,
    })
}

fn new_copy_state(id: &str, exam: &str, seq: u32, sha: &str) -> Value {
    json!(CopyState {
        id: id.into(),
        exam_id: exam.into(),
        seq,
        status: CopyStatus::Ready,
        flags: vec![],
        student_id: None,
        identified_by: None,
        confidence: None,
        unknown_writer: false,
        corrector: Some("bob".into()),
        graded_at: None,
        graded_by: None,
        pages: (1..=4)
            .map(|n| PageState {
                id: format!("{id}-p{n}"),
                number: n,
                source: SourceRef {
                    sha256: sha.into(),
                    file_name: "lot-2.pdf".into(),
                    pages: 2,
                },
                source_index: (n - 1) / 2,
                half: if n % 2 == 1 { Half::Right } else { Half::Left },
                rotation: 0,
            })
            .collect::<Vec<_>>(),
    })
}

#[test]
fn a_page_whose_scans_are_missing_is_refused_whole_then_lands_once_they_are_here() {
    let mut s = station(1);
    let pdf = b"%PDF-1.4 a scan from another station".to_vec();
    let sha = MediaStore::digest_bytes(&pdf);
    // The copy comes first in the page: the exam is still applied before it.
    let pulled = page(
        vec![
            entity(
                EntityKind::Copy,
                "copy-x",
                "exam-x",
                3,
                new_copy_state("copy-x", "exam-x", 1, &sha),
            ),
            entity(
                EntityKind::Exam,
                "exam-x",
                "exam-x",
                2,
                new_exam_state("exam-x"),
            ),
        ],
        3,
    );
    assert_eq!(s.store.missing_media(&pulled.entities), vec![sha.clone()]);
    let err = s.store.apply_pull(&pulled).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains(&sha), "{}", err.message);
    assert!(s.store.exam("exam-x").is_err(), "nothing was written");
    assert_eq!(s.store.pull_cursor().unwrap(), 0);

    s.store.media().put_bytes(&pdf, "pdf").unwrap();
    assert!(s.store.missing_media(&pulled.entities).is_empty());
    let applied = s.store.apply_pull(&pulled).unwrap();
    assert_eq!(applied.applied, 2);
    let copy = s.store.copy("copy-x").unwrap();
    assert_eq!(copy.pages.len(), 4);
    assert_eq!(copy.pages[0].source.pdf, sha);
    assert_eq!(copy.corrector.as_deref(), Some("bob"));
    assert_eq!(s.store.exam("exam-x").unwrap().name, "Devoir commun");
    // Pulled again (a re-pull after a restore): nothing is duplicated.
    s.store.apply_pull(&pulled).unwrap();
    assert_eq!(
        s.count("SELECT COUNT(*) FROM page WHERE copy_id = 'copy-x'"),
        4
    );
    assert_eq!(
        s.count("SELECT COUNT(*) FROM source_pdf WHERE exam_id = 'exam-x'"),
        1
    );
}

#[test]
fn a_copy_numbered_like_a_local_one_takes_the_next_free_number() {
    let mut s = station(1);
    let pdf = b"%PDF-1.4 another lot".to_vec();
    let sha = s.store.media().put_bytes(&pdf, "pdf").unwrap().sha256;
    let exam = s.exam.clone();
    s.store
        .apply_pull(&page(
            vec![entity(
                EntityKind::Copy,
                "copy-y",
                &exam,
                5,
                new_copy_state("copy-y", &exam, 1, &sha),
            )],
            5,
        ))
        .unwrap();
    assert_eq!(s.store.copy("copy-y").unwrap().seq, 2);
    assert_eq!(s.store.copies(&exam).unwrap().len(), 2);
}

#[test]
fn an_entity_pulled_before_its_copy_waits_for_it() {
    let mut s = station(1);
    let pdf = b"%PDF-1.4 lot 3".to_vec();
    let sha = s.store.media().put_bytes(&pdf, "pdf").unwrap().sha256;
    let exam = s.exam.clone();
    let a = s.store.add_annotation(
        &s.copies[0],
        None,
        NewAnnotation {
            page: 1,
            shape: Shape::Text {
                at: Pt { x: 0.5, y: 0.5 },
                text: "x".into(),
                size: 0.02,
            },
            style: None,
            z: None,
        },
    );
    assert_eq!(a.unwrap_err().code, ErrorCode::LeaseLost);
    let annotation = json!({
        "id": "ann-1", "copy_id": "copy-z", "page_id": "copy-z-p2", "page": 2,
        "shape": {"kind": "text", "at": {"x": 0.5, "y": 0.5}, "text": "Bien vu", "size": 0.02},
        "style": {"color": "#d1242f", "width": 0.002, "opacity": 1.0},
        "z": 1, "version": 3, "deleted": false, "created_by": "bob", "updated_at": "2026-11-20T09:00:00Z"
    });
    let first = s
        .store
        .apply_pull(&page(
            vec![entity(
                EntityKind::Annotation,
                "ann-1",
                &exam,
                6,
                annotation,
            )],
            6,
        ))
        .unwrap();
    assert_eq!((first.applied, first.parked), (0, 1));
    assert_eq!(s.store.sync_status().unwrap().parked, 1);
    let second = s
        .store
        .apply_pull(&page(
            vec![entity(
                EntityKind::Copy,
                "copy-z",
                &exam,
                7,
                new_copy_state("copy-z", &exam, 9, &sha),
            )],
            7,
        ))
        .unwrap();
    assert_eq!((second.applied, second.parked), (2, 0));
    let anns = s.store.annotations("copy-z", false).unwrap();
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0].page, 2);
    // A tombstone pulled later deletes it.
    let mut tomb = entity(EntityKind::Annotation, "ann-1", &exam, 8, Value::Null);
    tomb.deleted = true;
    s.store.apply_pull(&page(vec![tomb], 8)).unwrap();
    assert!(s.store.annotations("copy-z", false).unwrap().is_empty());
    assert_eq!(s.store.annotations("copy-z", true).unwrap().len(), 1);
}
