//! The push/pull protocol against a real PostgreSQL: idempotent pushes, gaps, conflicts
//! between stations, fencing of leases, paged pulls, a server killed mid-push, and a
//! restore from backup.

mod common;
#[path = "common/process.rs"]
mod process;

use common::*;
use korrigo_core::sync::ServerRole;
use process::spawn_process;
use serde_json::Value;

struct Class {
    db: TestDb,
    _dir: tempfile::TempDir,
    server: Running,
    admin: String,
    a: String,
    b: String,
}

/// An exam with three copies on the server, and teachers on stations A and B.
async fn class() -> Class {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    add_account(&db, "root", ServerRole::Admin).await;
    add_account(&db, "anne", ServerRole::Teacher).await;
    add_account(&db, "bruno", ServerRole::Teacher).await;
    let admin = login(&server, "root", Some("st-admin")).await.token;
    let a = login(&server, "anne", Some("st-a")).await.token;
    let b = login(&server, "bruno", Some("st-b")).await.token;
    set_up_exam(&server, &admin, &["c1", "c2", "c3"]).await;
    Class {
        db,
        _dir: dir,
        server,
        admin,
        a,
        b,
    }
}

fn statuses(r: &Value) -> Vec<String> {
    r["outcomes"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|o| o["status"].as_str().unwrap().to_string())
        .collect()
}

async fn score_of(c: &Class, copy: &str, node: &str) -> Option<(f64, i64, String)> {
    score_in(&c.db, copy, node).await
}

async fn score_in(db: &TestDb, copy: &str, node: &str) -> Option<(f64, i64, String)> {
    let row = db
        .client()
        .await
        .query_opt(
            "SELECT (body->>'points')::float8, version, station_id FROM entity WHERE kind = 'score' AND key = $1",
            &[&format!("{copy}/{node}")],
        )
        .await
        .unwrap();
    row.map(|r| (r.get(0), r.get(1), r.get(2)))
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.client().await.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn a_repeated_push_answers_the_stored_outcome_and_a_gap_stops_the_batch() {
    let c = class().await;
    let batch = vec![
        class::lease("lease.take", 1, "c1", "anne", "st-a", 1),
        class::score(2, "c1", "q1", 3.0, 1, None),
        class::score(3, "c1", "q2", 9.0, 1, None),
    ];
    let (_, first) = push(&c.server, &c.a, "st-a", None, batch.clone()).await;
    assert_eq!(
        statuses(&first),
        ["applied", "applied", "rejected"],
        "{first}"
    );
    assert_eq!(first["outcomes"][2]["code"], "validation");
    let (_, again) = push(&c.server, &c.a, "st-a", None, batch).await;
    assert_eq!(statuses(&again), ["applied", "applied", "rejected"]);
    assert!(again["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["duplicate"] == true));
    assert_eq!(
        again["outcomes"][1]["entities"],
        first["outcomes"][1]["entities"]
    );
    assert_eq!(
        count(&c.db, "SELECT count(*) FROM entity WHERE kind = 'score'").await,
        1
    );
    assert_eq!(
        count(
            &c.db,
            "SELECT count(*) FROM mutation_log WHERE station_id = 'st-a'"
        )
        .await,
        3
    );

    // Seq 5 without 4: nothing applies, the server says where to resume.
    let (_, gap) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![class::score(5, "c1", "q1", 1.0, 1, None)],
    )
    .await;
    assert_eq!(statuses(&gap), Vec::<String>::new());
    assert_eq!(gap["expected_seq"], 4);
    assert_eq!(score_of(&c, "c1", "q1").await.unwrap().0, 3.0);
    let (_, cursor) = get(&c.server, &c.a, "/api/v1/sync/station?station_id=st-a").await;
    assert_eq!(cursor["last_seq"], 3);
    c.server.stop().await;
    c.db.drop_now().await;
}

#[tokio::test]
async fn the_same_score_changed_on_two_stations_is_a_conflict_visible_to_both() {
    let c = class().await;
    // A grades c1 and hands it back; B then takes it and sees A's score.
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![
            class::lease("lease.take", 1, "c1", "anne", "st-a", 1),
            class::score(2, "c1", "q1", 3.0, 1, None),
            class::lease("lease.release", 3, "c1", "anne", "st-a", 1),
        ],
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "applied", "applied"], "{r}");
    let v1 = score_of(&c, "c1", "q1").await.unwrap().1;
    let (_, r) = push(
        &c.server,
        &c.b,
        "st-b",
        None,
        vec![
            class::lease("lease.take", 1, "c1", "bruno", "st-b", 1),
            class::score(2, "c1", "q1", 4.0, 1, Some(v1)),
        ],
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "applied"], "{r}");
    let v2 = score_of(&c, "c1", "q1").await.unwrap().1;
    let (_, r) = push(
        &c.server,
        &c.b,
        "st-b",
        None,
        vec![class::lease("lease.release", 3, "c1", "bruno", "st-b", 1)],
    )
    .await;
    assert_eq!(statuses(&r), ["applied"]);
    // A, who did not pull B's change, takes the copy again and changes the same score
    // from the version it knew: a conflict, B's score stays.
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![
            class::lease("lease.take", 4, "c1", "anne", "st-a", 2),
            class::score(5, "c1", "q1", 1.0, 2, Some(v1)),
        ],
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "conflict"], "{r}");
    let conflict = &r["outcomes"][1];
    assert_eq!(conflict["code"], "conflict");
    assert_eq!(conflict["entities"][0]["kind"], "score");
    assert_eq!(conflict["entities"][0]["version"], v2);
    assert_eq!(conflict["entities"][1]["kind"], "conflict");
    assert_eq!(
        score_of(&c, "c1", "q1").await.unwrap(),
        (4.0, v2, "st-b".into())
    );
    // B sees the conflict in its pull.
    let (_, pulled) = get(&c.server, &c.b, "/api/v1/sync/pull?since=0").await;
    let conflicts: Vec<&Value> = pulled["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "conflict")
        .collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0]["body"]["station_id"], "st-a");
    assert_eq!(conflicts[0]["body"]["args"]["points"], 1.0);
    c.server.stop().await;
    c.db.drop_now().await;
}

#[tokio::test]
async fn work_under_a_lease_reassigned_while_offline_becomes_a_conflict_and_under_a_lapsed_one_applies(
) {
    let c = class().await;
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![
            class::lease("lease.take", 1, "c1", "anne", "st-a", 1),
            class::lease("lease.take", 2, "c2", "anne", "st-a", 1),
        ],
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "applied"]);
    // A goes offline. Its lease on c2 lapses and nobody takes it; c1 is force-released
    // and given to B, who grades it.
    c.db.client()
        .await
        .execute(
            "UPDATE entity SET body = jsonb_set(body, '{expires_at}', '\"2020-01-01T00:00:00Z\"') WHERE kind = 'lease' AND key = 'c2'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        post(
            &c.server,
            &c.admin,
            "/api/v1/leases/c1/force-release",
            serde_json::json!({})
        )
        .await
        .0,
        200
    );
    let (_, r) = push(
        &c.server,
        &c.b,
        "st-b",
        None,
        vec![
            class::lease("lease.take", 1, "c1", "bruno", "st-b", 1),
            class::score(2, "c1", "q1", 2.0, 1, None),
        ],
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "applied"], "{r}");
    let fencing: i64 =
        c.db.client()
            .await
            .query_one(
                "SELECT (body->>'token')::int8 FROM entity WHERE kind = 'lease' AND key = 'c1'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
    assert_eq!(fencing, 2, "a new holder gets a higher fencing token");
    // A comes back with work done offline on both copies.
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![
            class::score(3, "c1", "q1", 4.0, 1, None),
            class::score(4, "c2", "q1", 3.5, 1, None),
        ],
    )
    .await;
    assert_eq!(statuses(&r), ["conflict", "applied"], "{r}");
    assert_eq!(r["outcomes"][0]["code"], "lease_lost");
    assert_eq!(
        r["outcomes"][0]["entities"][0]["body"]["holder_user"],
        "bruno"
    );
    assert_eq!(score_of(&c, "c1", "q1").await.unwrap().0, 2.0);
    assert_eq!(score_of(&c, "c2", "q1").await.unwrap().0, 3.5);
    c.server.stop().await;
    c.db.drop_now().await;
}

#[tokio::test]
async fn pulls_page_through_every_change_in_version_order() {
    let c = class().await;
    let mut batch = vec![class::lease("lease.take", 1, "c1", "anne", "st-a", 1)];
    for i in 0..40 {
        batch.push(class::score(
            2 + i,
            "c1",
            if i % 2 == 0 { "q1" } else { "q2" },
            (i % 4) as f64,
            1,
            None,
        ));
    }
    let (_, r) = push(&c.server, &c.a, "st-a", None, batch).await;
    assert!(statuses(&r).iter().all(|s| s == "applied"));
    let mut since = 0;
    let mut seen = Vec::new();
    loop {
        let (_, page) = get(
            &c.server,
            &c.b,
            &format!("/api/v1/sync/pull?since={since}&limit=7"),
        )
        .await;
        let entities = page["entities"].as_array().unwrap();
        assert!(entities.len() <= 7);
        seen.extend(entities.iter().map(|e| e["version"].as_i64().unwrap()));
        since = page["next"].as_i64().unwrap();
        if page["more"] == false {
            break;
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "versions come in order, each once");
    let rows = count(&c.db, "SELECT count(*) FROM entity").await;
    assert_eq!(
        seen.len() as i64,
        rows,
        "each entity once, at its latest version"
    );
    c.server.stop().await;
    c.db.drop_now().await;
}

#[tokio::test]
async fn a_push_cut_by_a_killed_server_is_retried_without_loss_or_double_apply() {
    let c = class().await;
    let dir = c.server.data_dir.clone();
    c.server.stop().await;
    let mut process = spawn_process(&c.db, &dir).await;
    let mut batch = vec![class::lease("lease.take", 1, "c1", "anne", "st-a", 1)];
    for i in 0..400 {
        batch.push(class::score(2 + i, "c1", "q1", (i % 5) as f64, 1, None));
    }
    let body = serde_json::json!({ "protocol": 1, "station_id": "st-a", "server_epoch": null, "mutations": batch });
    let sent = tokio::spawn({
        let (url, token, body) = (process.url("/api/v1/sync/push"), c.a.clone(), body.clone());
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
        }
    });
    // SIGKILL the server once part of the batch is in.
    while count(
        &c.db,
        "SELECT count(*) FROM mutation_log WHERE station_id = 'st-a'",
    )
    .await
        < 20
    {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    process.child.kill().unwrap();
    process.child.wait().unwrap();
    assert!(
        sent.await.unwrap().is_err(),
        "the station saw its push fail"
    );
    let applied_before = count(
        &c.db,
        "SELECT count(*) FROM mutation_log WHERE station_id = 'st-a'",
    )
    .await;
    assert!(
        (20..401).contains(&applied_before),
        "the push was cut ({applied_before} of 401 applied)"
    );
    // Restart on the same database; the station retries the same batch.
    let server = start(config(&c.db, &dir)).await;
    let (status, r) = push(
        &server,
        &c.a,
        "st-a",
        None,
        serde_json::from_value(body["mutations"].clone()).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let outcomes = r["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 401);
    let duplicates = outcomes.iter().filter(|o| o["duplicate"] == true).count() as i64;
    assert_eq!(
        duplicates, applied_before,
        "what was applied before is answered, not applied again"
    );
    assert!(outcomes.iter().all(|o| o["status"] == "applied"));
    assert_eq!(
        count(
            &c.db,
            "SELECT count(*) FROM mutation_log WHERE station_id = 'st-a'"
        )
        .await,
        401
    );
    assert_eq!(
        score_in(&c.db, "c1", "q1").await.unwrap().0,
        (399 % 5) as f64
    );
    server.stop().await;
    c.db.drop_now().await;
}

#[tokio::test]
async fn a_server_restored_from_backup_gets_a_new_epoch_and_refuses_pushes_under_the_old_one() {
    let c = class().await;
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![class::lease("lease.take", 1, "c1", "anne", "st-a", 1)],
    )
    .await;
    let epoch = r["server_epoch"].as_str().unwrap().to_string();
    // Take a "backup" of the database, write more, then restore the backup.
    let backup = format!("{}_backup", c.db.name);
    let dir = c.server.data_dir.clone();
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        Some(&epoch),
        vec![class::score(2, "c1", "q1", 1.0, 1, None)],
    )
    .await;
    assert_eq!(statuses(&r), ["applied"]);
    c.server.stop().await;
    {
        // The backup: a copy of the database with seq 2 undone, as it was before it.
        let (a, conn) = tokio_postgres::connect(&admin_url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        a.batch_execute(&format!("CREATE DATABASE {backup} TEMPLATE {}", c.db.name))
            .await
            .unwrap();
    }
    let restored = TestDb {
        name: backup.clone(),
        url: c.db.url.replace(&c.db.name, &backup),
    };
    {
        let db = restored.client().await;
        db.batch_execute(
            "DELETE FROM mutation_log WHERE station_id = 'st-a' AND seq = 2; \
             UPDATE station SET last_seq = 1 WHERE id = 'st-a'; \
             DELETE FROM entity WHERE kind = 'score';",
        )
        .await
        .unwrap();
    }
    let server = start(config(&restored, &dir)).await;
    let (_, cursor) = get(&server, &c.a, "/api/v1/sync/station?station_id=st-a").await;
    let new_epoch = cursor["server_epoch"].as_str().unwrap();
    assert_ne!(new_epoch, epoch, "the restored server has a new epoch");
    assert_eq!(cursor["last_seq"], 1, "it knows only what the backup held");
    // A push under the old epoch applies nothing; replayed under the new one, it does.
    let (_, r) = push(
        &server,
        &c.a,
        "st-a",
        Some(&epoch),
        vec![class::score(2, "c1", "q1", 1.0, 1, None)],
    )
    .await;
    assert_eq!(statuses(&r), Vec::<String>::new());
    assert_eq!(r["server_epoch"], new_epoch);
    let (_, r) = push(
        &server,
        &c.a,
        "st-a",
        Some(new_epoch),
        vec![class::score(2, "c1", "q1", 1.0, 1, None)],
    )
    .await;
    assert_eq!(statuses(&r), ["applied"]);
    server.stop().await;
    restored.drop_now().await;
    c.db.drop_now().await;
}

#[tokio::test]
async fn a_copy_held_by_one_teacher_is_not_free_for_another_on_the_same_station() {
    let c = class().await;
    add_account(&c.db, "carla", ServerRole::Teacher).await;
    let carla = login(&c.server, "carla", Some("st-a")).await.token;
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![class::lease("lease.take", 1, "c1", "anne", "st-a", 1)],
    )
    .await;
    assert_eq!(statuses(&r), ["applied"]);
    let (_, r) = push(
        &c.server,
        &carla,
        "st-a",
        None,
        vec![class::lease("lease.take", 2, "c1", "carla", "st-a", 2)],
    )
    .await;
    assert_eq!(statuses(&r), ["conflict"], "{r}");
    assert_eq!(
        r["outcomes"][0]["entities"][0]["body"]["holder_user"],
        "anne"
    );
    // Force-releasing a copy nobody holds says so plainly.
    let (status, err) = post(
        &c.server,
        &c.admin,
        "/api/v1/leases/c2/force-release",
        serde_json::json!({}),
    )
    .await;
    assert_eq!((status, err["code"].as_str()), (404, Some("not_found")));
    assert_eq!(err["message"], "nobody holds copy c2");
    c.server.stop().await;
    c.db.drop_now().await;
}

fn exported(seq: i64, copy: &str, sha: &str, anonymous: bool) -> korrigo_core::sync::Mutation {
    class::mutation(
        seq,
        "copy.exported",
        copy,
        serde_json::json!({ "copy_id": copy, "sha256": sha, "pages": 4, "bytes": 120,
                            "anonymous": anonymous }),
    )
}

#[tokio::test]
async fn an_exported_copy_is_recorded_once_its_pdf_is_uploaded_and_only_by_its_grader() {
    let c = class().await;
    add_account(&c.db, "olga", ServerRole::Operator).await;
    let olga = login(&c.server, "olga", Some("st-o")).await.token;
    let pdf = b"%PDF-1.7\n% the annotated copy c1\n%%EOF\n";
    let sha = sha_of(pdf);
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![
            class::lease("lease.take", 1, "c1", "anne", "st-a", 1),
            exported(2, "c1", &sha, false),
        ],
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "rejected"], "{r}");
    assert_eq!(r["outcomes"][1]["code"], "validation");
    assert!(
        r["outcomes"][1]["message"]
            .as_str()
            .unwrap()
            .contains("was not uploaded"),
        "{r}"
    );
    assert_eq!(upload_pdf(&c.server, &c.a, pdf).await, sha);
    let (_, r) = push(
        &c.server,
        &c.a,
        "st-a",
        None,
        vec![exported(3, "c1", &sha, false)],
    )
    .await;
    assert_eq!(statuses(&r), ["applied"], "{r}");
    let row = c
        .db
        .client()
        .await
        .query_one(
            "SELECT sha256, pages, station_id, account FROM copy_export WHERE copy_id = 'c1' AND NOT anonymous",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, i32>(1)),
        (sha.clone(), 4)
    );
    assert_eq!(
        (row.get::<_, String>(2), row.get::<_, String>(3)),
        ("st-a".to_string(), "anne".to_string())
    );
    // Another teacher cannot attach a PDF to a copy she does not grade, nor an operator.
    for (token, station) in [(&c.b, "st-b"), (&olga, "st-o")] {
        let (_, r) = push(
            &c.server,
            token,
            station,
            None,
            vec![exported(1, "c1", &sha, true)],
        )
        .await;
        assert_eq!(statuses(&r), ["rejected"], "{r}");
        assert_eq!(r["outcomes"][0]["code"], "unauthorized", "{r}");
    }
    // The admin may, for any copy; a later export replaces the earlier one.
    let (_, r) = push(
        &c.server,
        &c.admin,
        "st-admin",
        None,
        vec![exported(3, "c2", &sha, true), exported(4, "c2", &sha, true)],
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "applied"], "{r}");
    assert_eq!(
        count(&c.db, "SELECT count(*) FROM copy_export").await,
        2,
        "one named export of c1, one anonymous of c2"
    );
    c.server.stop().await;
    c.db.drop_now().await;
}
